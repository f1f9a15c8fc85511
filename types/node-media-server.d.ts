// The parts of node-media-server 4.4 that local/media/ingest.ts uses (the package ships no types).
declare module 'node-media-server' {
  import type { Socket } from 'node:net';

  export interface NmsSession {
    readonly id: string;
    /** `address:port` of the peer; `''` for sessions made inside the server (recorders, our pipelines). */
    ip: string;
    protocol: string;
    streamApp: string;
    streamName: string;
    /** `/{app}/{name}` */
    streamPath: string;
    socket?: Socket;
    sendBuffer: (buffer: Buffer) => void;
    close: () => void;
  }

  export interface NmsConfig {
    bind?: string;
    rtmp?: { port?: number };
    store?: { path?: string };
    webadmin?: { enable?: boolean };
  }

  export default class NodeMediaServer {
    constructor(config: NmsConfig, configPath?: string);
    on(event: 'prePublish' | 'postPublish' | 'donePublish' | 'prePlay' | 'postPlay' | 'donePlay', listener: (session: NmsSession) => void): void;
    readonly rtmpServer: { handleRequest(socket: Socket): void };
    stop(): Promise<void>;
  }
}

declare module 'node-media-server/src/core/context.js' {
  import type { EventEmitter } from 'node:events';
  import type { NmsSession } from 'node-media-server';

  export interface NmsBroadcast {
    readonly streamPath: string;
    publisher: NmsSession | null;
    /** How long a publish outlives its publisher's disconnect (30 000 by default). */
    publishGraceMs: number;
    postPlay(session: NmsSession): string | null;
    donePlay(session: NmsSession): void;
  }

  const Context: {
    broadcasts: Map<string, NmsBroadcast>;
    sessions: Map<string, NmsSession>;
    eventEmitter: EventEmitter;
  };
  export default Context;
}

declare module 'node-media-server/src/core/logger.js' {
  const logger: { level: string; log(message: string, level?: string): void };
  export default logger;
}

declare module 'node-media-server/src/session/base_session.js' {
  import type { NmsSession } from 'node-media-server';
  export default class BaseSession implements NmsSession {
    readonly id: string;
    ip: string;
    protocol: string;
    streamApp: string;
    streamName: string;
    streamPath: string;
    sendBuffer: (buffer: Buffer) => void;
    close: () => void;
  }
}
