// Text shown on the public status page that came from elsewhere (a ping's error).

/** URLs (which may carry tokens in their query) are left out. */
export function publicText(text: string | null): string | null {
  return text === null ? null : text.replace(/https?:\/\/\S+/g, "[url]");
}
