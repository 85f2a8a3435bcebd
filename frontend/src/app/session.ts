// Who is signed in: loaded once from /api/auth/me, set by the login page, cleared on logout.
import { create } from "zustand";
import * as auth from "../api/auth";
import type { User } from "../api/types";

interface SessionState {
  user: User | null;
  checked: boolean;
  /** Why the session could not be read or ended (the server is down, ...). */
  error: string | null;
  refresh: () => Promise<void>;
  signIn: (username: string, password: string) => Promise<void>;
  signOut: () => Promise<void>;
}

export const useSession = create<SessionState>((set) => ({
  user: null,
  checked: false,
  error: null,
  refresh: async () => {
    try {
      set({ user: await auth.me(), checked: true, error: null });
    } catch (e) {
      set({ user: null, checked: true, error: e instanceof Error ? e.message : String(e) });
    }
  },
  signIn: async (username, password) => set({ user: await auth.login(username, password), checked: true }),
  signOut: async () => {
    try {
      await auth.logout();
      set({ user: null, error: null });
    } catch (e) {
      set({ error: e instanceof Error ? e.message : String(e) });
    }
  },
}));
