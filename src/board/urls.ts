/** Where the board lives under the public URL (a reverse proxy may add a path in front). */
export function boardBase(publicUrl: URL): string {
  return `${publicUrl.pathname.replace(/\/+$/, "")}/board`;
}

export function signInUrl(publicUrl: URL, token: string): string {
  const url = new URL(publicUrl.toString());
  url.pathname = `${boardBase(publicUrl)}/signin`;
  url.search = new URLSearchParams({ token }).toString();
  url.hash = "";
  return url.toString();
}
