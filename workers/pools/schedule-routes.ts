// What a scheduler calls (scheduling.ts does the work inside the pool's object):
//   GET    /v2/pools/:id/placement?vram_bytes=&model_ref=&capability=&protocol=&limit=   read scope
//   GET    /v2/pools/:id/reservations                  schedule scope
//   POST   /v2/pools/:id/reservations                  schedule scope: 201, or 409 when it does not fit
//   DELETE /v2/pools/:id/reservations/:reservation_id  schedule scope
import { Hono } from "hono";
import * as z from "zod";
import { PlacementQuerySchema, ReservationRequestSchema } from "../../shared/index.js";
import { parseJsonBody, valid } from "../http/body.js";
import { unwrap } from "../http/errors.js";
import { pool } from "../objects.js";
import { poolAccess, poolIdParam } from "./stub.js";

export const scheduleRoutes = new Hono<{ Bindings: Env }>();

const ReservationIdSchema = z.string().regex(/^rsv_[0-9a-f]{16}$/, "expected rsv_ and 16 hex digits");

scheduleRoutes.get("/v2/pools/:id/placement", async (c) => {
  const poolId = poolIdParam(c);
  const access = await poolAccess(c, poolId);
  const query = valid(PlacementQuerySchema, c.req.query(), "invalid_query", "(query)");
  return c.json(unwrap(await pool(c.env, poolId).placement(access, query)));
});

scheduleRoutes.get("/v2/pools/:id/reservations", async (c) => {
  const poolId = poolIdParam(c);
  const access = await poolAccess(c, poolId);
  return c.json({ pool_id: poolId, reservations: unwrap(await pool(c.env, poolId).reservations(access)) });
});

scheduleRoutes.post("/v2/pools/:id/reservations", async (c) => {
  const poolId = poolIdParam(c);
  const access = await poolAccess(c, poolId);
  const req = await parseJsonBody(c, ReservationRequestSchema);
  return c.json(unwrap(await pool(c.env, poolId).reserve(access, req)), 201);
});

scheduleRoutes.delete("/v2/pools/:id/reservations/:reservation_id", async (c) => {
  const poolId = poolIdParam(c);
  const access = await poolAccess(c, poolId);
  const id = valid(ReservationIdSchema, c.req.param("reservation_id"), "invalid_id", "reservation_id");
  return c.json(unwrap(await pool(c.env, poolId).cancelReservation(access, id)));
});
