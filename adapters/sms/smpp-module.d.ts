/** The part of the untyped `smpp` package (node-smpp 0.5) Trunkline uses. */
declare module 'smpp' {
  import type { EventEmitter } from 'node:events';
  import type { Server as NetServer } from 'node:net';

  export interface Pdu {
    readonly command: string;
    readonly command_status: number;
    readonly sequence_number: number;
    readonly [field: string]: unknown;
    response(fields?: Record<string, unknown>): Pdu;
  }
  export type PduCallback = (pdu: Pdu) => void;
  export interface Session extends EventEmitter {
    send(pdu: Pdu, responseCallback?: PduCallback): boolean;
    bind_transceiver(fields: Record<string, unknown>, cb?: PduCallback): boolean;
    submit_sm(fields: Record<string, unknown>, cb?: PduCallback): boolean;
    deliver_sm(fields: Record<string, unknown>, cb?: PduCallback): boolean;
    enquire_link(fields?: Record<string, unknown> | PduCallback, cb?: PduCallback): boolean;
    unbind(fields?: Record<string, unknown> | PduCallback, cb?: PduCallback): boolean;
    pause(): void;
    resume(): void;
    close(cb?: () => void): void;
    destroy(cb?: () => void): void;
    readonly socket: import('node:net').Socket;
  }
  export interface Server extends NetServer {
    readonly sessions: Session[];
  }
  export function connect(options: Record<string, unknown>, listener?: () => void): Session;
  export function createServer(options: Record<string, unknown>, listener: (session: Session) => void): Server;
  export const ESME_ROK: number;
  export const ESME_RBINDFAIL: number;
  export const ESME_RSYSERR: number;
  export const ESME_RTHROTTLED: number;
  export const ESME_RINVDSTADR: number;
}
