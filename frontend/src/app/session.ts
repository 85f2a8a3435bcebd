// Who is signed in: loaded once from /api/auth/me, set by the login page, cleared on logout.
import { create } from "zustand";
import * as auth from "../api/auth";
import type { User } from "../api/types";

interface SessionState {
  user: User | null;
  checked: boolean;
  refresh: () => Promise<void>;
  signIn: (username: string, password: string) => Promise<void>;
  signOut: () => Promise<void>;
}

export const useSession = create<SessionState>((set) => ({
  user: null,
  checked: false,
  refresh: async () => set({ user: await auth.me(), checked: true }),
  signIn: async (username, password) => set({ user: await auth.login(username, password), checked: true }),
  signOut: async () => {
    await auth.logout();
    set({ user: null });
  },
}));
