// Sign-in endpoints; each remembers the CSRF token for later unsafe requests.
import { api, setCsrfToken } from "./client";
import type { LoginAnswer, User } from "./types";

export async function login(username: string, password: string): Promise<User> {
  const answer = await api.post<LoginAnswer>("/api/auth/login", { username, password });
  setCsrfToken(answer.csrf_token);
  return answer.user;
}

/** The signed-in user, or null when the session has none (401). */
export async function me(): Promise<User | null> {
  try {
    const answer = await api.get<LoginAnswer>("/api/auth/me");
    setCsrfToken(answer.csrf_token);
    return answer.user;
  } catch (error) {
    if (error instanceof Error && "status" in error && (error.status === 401 || error.status === 404)) return null;
    throw error;
  }
}

export async function logout(): Promise<void> {
  await api.post("/api/auth/logout");
  setCsrfToken(null);
}
