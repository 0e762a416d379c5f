// PUT /v1/admin/spaces validates the whole list and stores it only when every entry is good;
// GET reads it back with what is wrong with it.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ADMIN, api } from "../../test/helpers.js";

describe("admin Space list", () => {
  it("stores a valid list as written and reads it back", async () => {
    const list = ["https://owner-bot.hf.space", { url: "https://owner-rag.hf.space", tier: "hot", name: "RAG" }];
    const res = await api("PUT", "/v1/admin/spaces", { token: ADMIN, json: list });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      stored: 2,
      spaces: [
        { id: "https://owner-bot.hf.space", name: "owner-bot.hf.space", interval_s: 300 },
        { id: "https://owner-rag.hf.space", name: "RAG", interval_s: 180 },
      ],
    });
    expect(JSON.parse((await env.SPACES.get("spaces"))!)).toEqual(list);
    const back = await api("GET", "/v1/admin/spaces", { token: ADMIN });
    expect(back.body).toEqual({ spaces: list, valid: 2, errors: [], list_error: null });
  });

  it("lists every bad entry with 400 and writes nothing", async () => {
    await env.SPACES.put("spaces", JSON.stringify(["https://kept.example.com"]));
    const res = await api("PUT", "/v1/admin/spaces", { token: ADMIN, json: ["https://ok.example.com", "not a url", { url: "https://x.example.com", interval_s: 1 }] });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: "invalid_spaces", field: "1.url" });
    expect(res.body.error.issues.map((i: { field: string }) => i.field)).toEqual(["1.url", "2.interval_s"]);
    expect(res.body.entries.map((e: { index: number; value: unknown }) => [e.index, e.value])).toEqual([[1, "not a url"], [2, { url: "https://x.example.com", interval_s: 1 }]]);
    expect(JSON.parse((await env.SPACES.get("spaces"))!)).toEqual(["https://kept.example.com"]);
  });

  it("refuses a body that is not a list, and callers without the admin token", async () => {
    expect((await api("PUT", "/v1/admin/spaces", { token: ADMIN, json: { url: "https://a.example.com" } })).body.error.field).toBe("(body)");
    expect((await api("PUT", "/v1/admin/spaces", { json: [] })).status).toBe(401);
    expect((await api("GET", "/v1/admin/spaces", { token: "nope" })).status).toBe(401);
  });

  it("reports a stored list someone broke by hand instead of failing", async () => {
    await env.SPACES.put("spaces", JSON.stringify(["https://good.example.com", "oops"]));
    const res = await api("GET", "/v1/admin/spaces", { token: ADMIN });
    expect(res.body).toMatchObject({ valid: 1, errors: [{ index: 1, value: "oops" }] });
  });
});
