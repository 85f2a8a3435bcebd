// Live events over Socket.IO (runtime/contracts/live-events.schema.json): one shared connection for the page;
// a screen joins its room (order:<id>, flow:<key>, group:<name>) and gets each coalesced `batch` for it.
// Events are best effort: screens re-read the API when a batch arrives or the connection comes back.
import { useEffect, useRef, useState } from "react";
import { io, type Socket } from "socket.io-client";

export interface LiveEvent {
  event: string;
  data: Record<string, unknown>;
}

interface Batch {
  room: string;
  events: LiveEvent[];
}

let shared: Socket | null = null;

function socket(): Socket {
  shared ??= io({ path: "/socket.io", withCredentials: true });
  return shared;
}

/** Join `rooms` while mounted; `onEvents` gets every batch of them (and an empty list after a reconnect, so
 * the caller re-reads what it may have missed). Returns whether the connection is up and the rooms joined. */
export function useLiveRooms(rooms: string[], onEvents: (events: LiveEvent[]) => void): boolean {
  const handler = useRef(onEvents);
  handler.current = onEvents;
  const [connected, setConnected] = useState(false);
  const key = rooms.join(",");
  useEffect(() => {
    const wanted = key ? key.split(",") : [];
    if (!wanted.length) return undefined;
    const s = socket();
    let joinedOnce = false;
    const join = () => {
      let acknowledged = 0;
      for (const room of wanted) {
        s.emit("join", { room }, () => {
          acknowledged += 1;
          if (acknowledged < wanted.length) return;
          setConnected(true);
          if (joinedOnce) handler.current([]);
          joinedOnce = true;
        });
      }
    };
    const onBatch = (batch: Batch) => {
      if (wanted.includes(batch.room)) handler.current(batch.events);
    };
    const onDisconnect = () => setConnected(false);
    s.on("connect", join);
    s.on("batch", onBatch);
    s.on("disconnect", onDisconnect);
    if (s.connected) join();
    return () => {
      s.off("connect", join);
      s.off("batch", onBatch);
      s.off("disconnect", onDisconnect);
      if (s.connected) for (const room of wanted) s.emit("leave", { room });
    };
  }, [key]);
  return connected;
}
