// What a Space's URL may show to viewers and logs: scheme, host and path. Userinfo, the query
// (where tokens live) and the fragment are dropped; the admin API keeps the full URL.

export function publicUrl(url: string): string {
  if (/^https?:/i.test(url)) {
    try {
      const u = new URL(url);
      return `${u.protocol}//${u.host}${u.pathname === "/" ? "" : u.pathname}`;
    } catch {}
  }
  // Not an http(s) URL (a typo in the list): cut the query and anything before an @ by hand.
  return url.replace(/[?#].*$/s, "").replace(/^([a-z][a-z0-9+.-]*:\/*)[^/@]*@/i, "$1");
}

/** The host of a URL (no credentials, path or query): how alerts and the page say where a Space runs. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "unknown host";
  }
}

/** Every http(s) URL in a text (an error message) in its public form. */
export function publicUrlsIn(text: string): string {
  return text.replace(/\bhttps?:\/\/[^\s"'<>]+/gi, (m) => publicUrl(m));
}
