import type { Store } from "../store/sql.js";
import type { Clock } from "../time/clock.js";
import { BoardAuth, type BoardViewer } from "./auth.js";

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

/** Links are minted into the store: whichever process serves the board on it honours them. */
export function boardLinks(store: Store, clock: Clock, publicUrl: URL): { link(viewer: BoardViewer): Promise<string> } {
  const auth = new BoardAuth(store, () => clock.now().toMillis());
  return { link: async (viewer) => signInUrl(publicUrl, await auth.issue(viewer)) };
}
