import net from 'node:net';

/** An answer read off a raw socket. */
export interface RawResponse {
  /** 0 when the server closed the connection without answering. */
  status: number;
  headers: string;
  body: string;
}

/**
 * Sends `head` and `body` exactly as given on a fresh connection (no client
 * library to tidy them up) and reads the answer until the server closes the
 * connection or `timeoutMs` passes.
 */
export function rawRequest(
  url: string,
  head: string,
  body: Buffer | string = '',
  timeoutMs = 10_000,
): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const [headers = '', ...rest] = text.split('\r\n\r\n');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(headers)?.[1];
      resolve({ status: status ? Number(status) : 0, headers, body: rest.join('\r\n\r\n') });
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      // A complete answer with a Content-Length needs no wait for the close.
      const text = Buffer.concat(chunks).toString('latin1');
      const length = /content-length: (\d+)/i.exec(text)?.[1];
      const split = text.indexOf('\r\n\r\n');
      if (length && split >= 0 && Buffer.byteLength(text.slice(split + 4), 'latin1') >= Number(length)) finish();
    });
    socket.on('error', finish);
    socket.on('close', finish);
    socket.write(head);
    if (body.length > 0) socket.write(body);
  });
}

/** The head of a POST with the given headers and a Content-Length for `body`. */
export function postHead(path: string, headers: Record<string, string>, body: Buffer | string): string {
  const lines = [
    'Host: 127.0.0.1',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    `Content-Length: ${Buffer.byteLength(body)}`,
  ];
  return `POST ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
}

/** A multipart/form-data body from raw parts (each its own header lines and content), closed or left open. */
export function multipartBody(boundary: string, parts: string[], closed = true): string {
  return parts.map((part) => `--${boundary}\r\n${part}\r\n`).join('') + (closed ? `--${boundary}--\r\n` : '');
}

/**
 * Sends `head`, then `chunk` again and again (up to `maxBytes`) until the
 * server answers or drops the connection; tells how much was sent by then.
 * Shows whether a server stops reading a body it has refused.
 */
export function streamUntilAnswered(
  url: string,
  head: string,
  chunk: Buffer,
  maxBytes: number,
): Promise<{ status: number; bytesSent: number }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    let answer = '';
    let bytesSent = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      socket.destroy();
      const status = /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1];
      resolve({ status: status ? Number(status) : 0, bytesSent });
    };
    socket.on('data', (data) => {
      answer += data.toString('latin1');
      if (answer.includes('\r\n\r\n')) finish();
    });
    socket.on('error', finish);
    socket.on('close', finish);
    const pump = () => {
      while (!done && bytesSent < maxBytes) {
        bytesSent += chunk.length;
        if (!socket.write(chunk)) {
          socket.once('drain', pump);
          return;
        }
      }
    };
    socket.write(head, pump);
  });
}

/**
 * Sends `bytes` one at a time, `intervalMs` apart, until all are sent or the
 * server closes the connection; tells how many were sent and what came back.
 */
export function trickle(
  url: string,
  bytes: Buffer,
  intervalMs: number,
): Promise<{ bytesSent: number; answer: string; closedByServer: boolean }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    let answer = '';
    let bytesSent = 0;
    const timer = setInterval(() => {
      if (bytesSent >= bytes.length) {
        clearInterval(timer);
        socket.destroy();
        resolve({ bytesSent, answer, closedByServer: false });
        return;
      }
      socket.write(bytes.subarray(bytesSent, bytesSent + 1));
      bytesSent += 1;
    }, intervalMs);
    socket.on('data', (data) => (answer += data.toString('latin1')));
    const closed = () => {
      if (bytesSent >= bytes.length) return;
      clearInterval(timer);
      socket.destroy();
      resolve({ bytesSent, answer, closedByServer: true });
    };
    socket.on('end', closed);
    socket.on('close', closed);
    socket.on('error', closed);
  });
}
