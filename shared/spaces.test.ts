// The Space list: URL strings and objects, defaults and tiers, and every bad entry reported
// by index and value while the good ones survive.
import { describe, expect, it } from "vitest";
import { DEFAULT_SPACE_INTERVAL_S, DEFAULT_SPACE_TIMEOUT_S, parseSpaceList } from "./spaces.js";

describe("parseSpaceList", () => {
  it("accepts URL strings and objects, with documented defaults", () => {
    const { spaces, errors } = parseSpaceList([
      "https://owner-bot.hf.space/",
      { url: "https://owner-rag.hf.space", name: "RAG", tier: "hot", critical: true },
      { url: "https://api.example.com/health", method: "HEAD", expect_status: [204], interval_s: 120, timeout_s: 5 },
      { url: "https://owner-llm.hf.space", tier: "keep-alive", hf_space: "owner/llm", hf_restart: true },
    ]);
    expect(errors).toEqual([]);
    expect(spaces[0]).toEqual({
      id: "https://owner-bot.hf.space", url: "https://owner-bot.hf.space/", name: "owner-bot.hf.space", method: "GET",
      timeout_s: DEFAULT_SPACE_TIMEOUT_S, interval_s: DEFAULT_SPACE_INTERVAL_S, critical: false, hf_restart: false, expect_pingback: false,
    });
    expect(spaces.map((s) => s.interval_s)).toEqual([300, 180, 120, 43_200]);
    expect(spaces[1]).toMatchObject({ name: "RAG", critical: true });
    expect(spaces[2]).toMatchObject({ method: "HEAD", expect_status: [204], timeout_s: 5 });
  });

  it("reports each bad entry by index, value and field, and keeps the good ones", () => {
    const list = [
      "https://good.example.com",
      "htps://typo.example.com",
      { url: "https://x.example.com", interval_s: 5 },
      { name: "no url" },
      { url: "https://y.example.com", method: "POST" },
      { url: "https://z.example.com", colour: "red" },
      42,
      "https://good.example.com/",
      { url: "https://w.example.com", tier: "hot", interval_s: 600 },
    ];
    const { spaces, errors } = parseSpaceList(list);
    expect(spaces.map((s) => s.id)).toEqual(["https://good.example.com"]);
    expect(errors.map((e) => [e.index, e.issues[0]!.field])).toEqual([
      [1, "url"], [2, "interval_s"], [3, "url"], [4, "method"], [5, "colour"], [6, "(body)"], [7, "url"], [8, "interval_s"],
    ]);
    expect(errors[0]!.value).toBe("htps://typo.example.com");
    expect(errors[6]!.issues[0]!.message).toBe('same id as entry 0 ("https://good.example.com"); give each entry its own "id"');
  });

  it("refuses a list that is not an array, or is too long, as a whole", () => {
    expect(parseSpaceList({ url: "https://a.example.com" }).listError).toMatch(/JSON array/);
    expect(parseSpaceList(Array.from({ length: 5001 }, (_, i) => `https://s${i}.example.com`)).listError).toMatch(/at most 5000/);
  });
});

describe("one identity per Space", () => {
  it("derives distinct, secret-free ids for URLs that differ only in their query, and takes a given id", () => {
    const { spaces, errors } = parseSpaceList([
      { url: "https://api.example/x?key=AAA", name: "x-a" },
      { url: "https://api.example/x?key=BBB", name: "x-b" },
      { url: "https://api.example/y", id: "my-y" },
    ]);
    expect(errors).toEqual([]);
    const [a, b, y] = spaces.map((s) => s.id);
    expect(a).toMatch(/^https:\/\/api\.example\/x#[0-9a-f]{6}$/);
    expect(b).toMatch(/^https:\/\/api\.example\/x#[0-9a-f]{6}$/);
    expect(a).not.toBe(b);
    expect(`${a}${b}`).not.toMatch(/AAA|BBB|key/);
    expect(y).toBe("my-y");
  });

  it("reports two entries with the same name or the same id, naming both; keeps pinging both of the same name", () => {
    const { spaces, errors } = parseSpaceList([
      { url: "https://a.example/1", name: "same" },
      { url: "https://b.example/2", name: "same" },
      { url: "https://c.example/3", id: "dup" },
      { url: "https://d.example/4", id: "dup" },
    ]);
    expect(errors.map((e) => [e.index, e.issues[0]!.field, e.issues[0]!.message])).toEqual([
      [1, "name", 'same name as entry 0 ("same"); give one of them another "name"'],
      [3, "id", 'same id as entry 2 ("dup"); give each entry its own "id"'],
    ]);
    expect(spaces.map((s) => s.id)).toEqual(["https://a.example/1", "https://b.example/2", "dup"]);
  });
});
