import { createServer, type Server, type Socket } from 'node:net';
import NodeMediaServer, { type NmsSession } from 'node-media-server';
import Context from 'node-media-server/src/core/context.js';
import nmsLogger from 'node-media-server/src/core/logger.js';
import BaseSession from 'node-media-server/src/session/base_session.js';
import { logger } from '../../core/lambda/logger';
import { listenOnLoopback } from '../loopback';

/**
 * The RTMP ingest: node-media-server 4 on 127.0.0.1, accepting a publish only on a stream name
 * (`{app}/{key}`) the control plane says is a running channel's. Pipelines read what is published
 * in-process, as FLV (see {@link Ingest.subscribe}), not over a second RTMP connection.
 *
 * node-media-server keeps a publish alive for 30 s after its publisher disconnects; a publisher
 * that comes back from the same address within that grace (OBS reconnecting) continues the same
 * publish with a continuous timeline, and subscribers simply see the stream resume.
 */
export interface IngestHandlers {
  /** May `streamName` publish now, from `sourceAddress` (the publisher's IP as the ingest sees it)? */
  accepts(streamName: string, sourceAddress: string | undefined): boolean;
  /** A publish began on an accepted stream name (also a publisher resuming within the grace). */
  onPublish(streamName: string): void;
  /** A publish ended for good: the publisher left and did not come back within the grace. */
  onPublishEnd(streamName: string): void;
}

export interface FlvSubscription {
  close(): void;
}

export interface Ingest {
  readonly port: number;
  /**
   * Receive `streamName` as an FLV byte stream: header, metadata, sequence headers and the current
   * GOP first, then every tag as it arrives (including after a publisher resumes). Undefined when
   * nothing publishes on it.
   */
  subscribe(streamName: string, write: (chunk: Buffer) => void): FlvSubscription | undefined;
  isPublishing(streamName: string): boolean;
  /** Drop the publisher of `streamName` (its channel stopped). */
  disconnect(streamName: string): void;
  close(): Promise<void>;
}

const RTMP_EVENTS = ['prePublish', 'postPublish', 'donePublish'] as const;

/** `/app/KEY` → `/app/***` in node-media-server's messages: stream keys never reach a log. */
function redactStreamPaths(message: string): string {
  return message.replace(/(\/[A-Za-z0-9_-]+\/)[A-Za-z0-9_-]+/g, '$1***').replace(/name=\S+/g, 'name=***');
}

// node-media-server logs every connection with its stream path (the key) at info level; only its
// warnings and errors are worth showing, redacted.
nmsLogger.log = (message: string, level = 'info') => {
  if (level === 'warn' || level === 'error') logger.warn(`rtmp ingest: ${redactStreamPaths(message)}`);
};

/** A subscriber made in this process: node-media-server treats a session with no ip as internal. */
class FlvSink extends BaseSession {
  constructor(
    streamPath: string,
    private readonly write: (chunk: Buffer) => void,
  ) {
    super();
    this.protocol = 'flv';
    this.streamPath = streamPath;
  }
  override sendBuffer = (buffer: Buffer) => this.write(buffer);
}

export async function startIngest(options: {
  port: number;
  handlers: IngestHandlers;
  /** How long a publish outlives its publisher's disconnect (node-media-server's 30 s; tests shorten it). */
  publishGraceMs?: number;
}): Promise<Ingest> {
  const { handlers } = options;
  const nms = new NodeMediaServer({ bind: '127.0.0.1', webadmin: { enable: false } });
  const sockets = new Set<Socket>();
  /** Publisher sessions we accepted: only their end is reported. */
  const accepted = new Set<string>();
  const isOurs = (session: NmsSession) => session.socket !== undefined && sockets.has(session.socket);
  const nameOf = (session: NmsSession) => `${session.streamApp}/${session.streamName}`;

  const listeners: Record<(typeof RTMP_EVENTS)[number], (session: NmsSession) => void> = {
    prePublish(session) {
      if (!isOurs(session)) return;
      if (handlers.accepts(nameOf(session), session.socket!.remoteAddress)) {
        accepted.add(session.id);
        const broadcast = Context.broadcasts.get(session.streamPath);
        if (broadcast && options.publishGraceMs !== undefined) broadcast.publishGraceMs = options.publishGraceMs;
      } else {
        logger.warn('rtmp ingest: publish rejected: no running channel takes this stream key from this address', {
          app: session.streamApp,
        });
        session.socket!.destroy();
      }
    },
    postPublish(session) {
      if (accepted.has(session.id)) handlers.onPublish(nameOf(session));
    },
    donePublish(session) {
      if (accepted.delete(session.id)) handlers.onPublishEnd(nameOf(session));
    },
  };
  for (const event of RTMP_EVENTS) Context.eventEmitter.on(event, listeners[event]);

  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    nms.rtmpServer.handleRequest(socket);
  });
  const unlisten = () => {
    for (const event of RTMP_EVENTS) Context.eventEmitter.off(event, listeners[event]);
  };
  const port = await listenOnLoopback(server, options.port).catch(async (err: unknown) => {
    unlisten();
    await nms.stop();
    throw new Error(`RTMP ingest cannot listen on 127.0.0.1:${options.port}: ${String(err)}`);
  });

  const broadcastOf = (streamName: string) => Context.broadcasts.get(`/${streamName}`);
  return {
    port,
    subscribe(streamName, write) {
      const broadcast = broadcastOf(streamName);
      if (!broadcast?.publisher) return undefined;
      const sink = new FlvSink(broadcast.streamPath, write);
      broadcast.postPlay(sink);
      let open = true;
      return {
        close() {
          if (!open) return;
          open = false;
          broadcast.donePlay(sink);
        },
      };
    },
    isPublishing(streamName) {
      // During the grace the publisher is kept, but its socket is gone.
      const socket = broadcastOf(streamName)?.publisher?.socket;
      return socket !== undefined && !socket.destroyed;
    },
    disconnect(streamName) {
      broadcastOf(streamName)?.publisher?.socket?.destroy();
    },
    async close() {
      unlisten();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await nms.stop();
    },
  };
}
