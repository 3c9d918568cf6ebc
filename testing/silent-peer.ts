import { createServer, type Server, type Socket } from "node:net";

/**
 * A TCP listener that accepts connections and never says a word: a database or NATS address
 * that "never answers", so a server's start-up blocks on it for as long as the test wants.
 */
export class SilentPeer {
  private readonly sockets = new Set<Socket>();
  private connected!: () => void;
  /** Resolves once something has connected (the process under test is blocked on it). */
  readonly firstConnection = new Promise<void>((resolve) => (this.connected = resolve));

  private constructor(private readonly server: Server) {
    server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
      socket.on("error", () => {});
      this.connected();
    });
  }

  static async start(): Promise<SilentPeer> {
    const peer = new SilentPeer(createServer());
    await new Promise<void>((resolve) => peer.server.listen(0, "127.0.0.1", resolve));
    return peer;
  }

  get port(): number {
    return (this.server.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
