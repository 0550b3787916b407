/* global setTimeout, clearTimeout, performance */
// A calling app in Node: sip.js 0.21 over WebSocket, registering with the ephemeral
// credentials the API handed out, then calling one number. No media: a static DTLS-SRTP SDP.
// Configured by environment; prints one JSON line per step ({step, ms, ...}) and exits
// 0 when the call was answered and ended, 2 when it was refused (with its status), 1 on error.
//   WS_URL, SIP_DOMAIN, SIP_USER (E.164), SIP_USERNAME, SIP_PASSWORD, DESTINATION,
//   TALK_MS (hang up after), EXPECT_REMOTE_BYE=1 (wait for the network to end it instead)
//   ANSWER=1: no call; wait (ANSWER_WAIT_MS, default 30 s) for one incoming call, print its caller
//   (From and P-Asserted-Identity), answer it and wait for the caller's BYE
import { WebSocket } from 'ws';
import { UserAgent, Registerer, RegistererState, Inviter, SessionState } from 'sip.js';

// sip.js' transport calls `new WebSocket(url, "sip")`; Node 20 has no global WebSocket
if (!globalThis.WebSocket) globalThis.WebSocket = WebSocket;

const env = process.env;
const t0 = performance.now();
const say = (step, extra = {}) => console.log(JSON.stringify({ step, ms: Math.round(performance.now() - t0), ...extra }));

let remoteMedia = {};

class StaticSdh {
  async getDescription() {
    // what a browser offers: DTLS-SRTP with ICE and RTCP multiplexed (the proxy refuses plain RTP);
    // the fingerprint is a well-formed placeholder, as no media is ever sent
    const sdp = [
      'v=0',
      'o=- 1 1 IN IP4 127.0.0.1',
      's=-',
      't=0 0',
      `a=fingerprint:sha-256 ${Array.from({ length: 32 }, (_, i) => (i * 7).toString(16).padStart(2, '0').toUpperCase()).join(':')}`,
      'a=ice-ufrag:trunklinesipjs',
      'a=ice-pwd:trunklinesipjsstaticpassword',
      'm=audio 40000 UDP/TLS/RTP/SAVPF 0',
      'c=IN IP4 127.0.0.1',
      'a=mid:0',
      'a=rtpmap:0 PCMU/8000',
      'a=setup:actpass',
      'a=rtcp-mux',
      'a=candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host',
      'a=sendrecv',
      '',
    ].join('\r\n');
    return { body: sdp, contentType: 'application/sdp' };
  }
  hasDescription(contentType) {
    return contentType === 'application/sdp';
  }
  /** What the network answered for media: its profile, and whether it keys DTLS-SRTP. */
  async setDescription(sdp) {
    remoteMedia = { media: /^m=audio \d+ (\S+)/m.exec(sdp)?.[1] ?? null, fingerprint: /^a=fingerprint:/m.test(sdp) };
  }
  sendDtmf() {
    return false;
  }
  close() {}
}

function waitFor(emitter, pred, label, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timeout waiting for ${label}`)), ms);
    const listener = (s) => {
      if (!pred(s)) return;
      clearTimeout(timer);
      emitter.removeListener(listener);
      resolve(s);
    };
    emitter.addListener(listener);
  });
}

let incoming;
const invited = new Promise((resolve) => (incoming = resolve));

const ua = new UserAgent({
  delegate: { onInvite: (invitation) => incoming(invitation) },
  uri: UserAgent.makeURI(`sip:${env.SIP_USER}@${env.SIP_DOMAIN}`),
  transportOptions: { server: env.WS_URL, connectionTimeout: 5 },
  authorizationUsername: env.SIP_USERNAME,
  authorizationPassword: env.SIP_PASSWORD,
  sessionDescriptionHandlerFactory: () => new StaticSdh(),
  logLevel: 'error',
  userAgentString: 'trunkline-e2e',
});

let code = 0;
try {
  await ua.start();
  say('connected');
  const registerer = new Registerer(ua, { expires: 300 });
  let refuse;
  const registered = Promise.race([
    waitFor(registerer.stateChange, (s) => s === RegistererState.Registered, 'Registered', 10_000),
    new Promise((_, reject) => (refuse = reject)),
  ]);
  await registerer.register({ requestDelegate: { onReject: (r) => refuse(new Error(`REGISTER ${r.message.statusCode}`)) } });
  await registered;
  say('registered');
  if (env.ANSWER === '1') {
    await answerOne();
  } else {
    await callOne();
  }
  await registerer.unregister().catch(() => undefined);
} catch (error) {
  say('error', { message: String(error?.message ?? error) });
  code = 1;
} finally {
  await ua.stop().catch(() => undefined);
  process.exit(code);
}

/** Answers the first incoming call and waits for its end (bounded). */
async function answerOne() {
  const wait = Number(env.ANSWER_WAIT_MS ?? 30_000);
  const invitation = await Promise.race([
    invited,
    new Promise((_, reject) => setTimeout(() => reject(new Error('no incoming call')), wait)),
  ]);
  const request = invitation.request;
  say('incoming', { from: request.getHeader('From'), pai: request.getHeader('P-Asserted-Identity') ?? null });
  const ended = waitFor(invitation.stateChange, (s) => s === SessionState.Terminated, 'end', 120_000);
  await invitation.accept();
  say('answered');
  await ended;
  say('ended-by-caller');
}

/** Calls DESTINATION and hangs up after TALK_MS (or waits for the network's BYE). */
async function callOne() {
  const inviter = new Inviter(ua, UserAgent.makeURI(`sip:${env.DESTINATION}@${env.SIP_DOMAIN}`));
  let status = null;
  let retryAfter = null;
  const settled = waitFor(inviter.stateChange, (s) => s === SessionState.Established || s === SessionState.Terminated, 'answer', 20_000);
  const ended = waitFor(inviter.stateChange, (s) => s === SessionState.Terminated, 'end', 120_000);
  await inviter.invite({
    requestDelegate: {
      onAccept: (r) => (status = r.message.statusCode),
      onReject: (r) => {
        status = r.message.statusCode;
        retryAfter = r.message.getHeader('Retry-After') ?? null;
      },
    },
  });
  if ((await settled) === SessionState.Established) {
    say('answered', { status, ...remoteMedia });
    if (env.EXPECT_REMOTE_BYE === '1') {
      await ended;
      say('ended-by-network');
    } else {
      await new Promise((r) => setTimeout(r, Number(env.TALK_MS ?? 1000)));
      await inviter.bye();
      await ended;
      say('hung-up');
    }
  } else {
    say('refused', { status, ...(retryAfter ? { retryAfter } : {}) });
    code = 2;
  }
}
