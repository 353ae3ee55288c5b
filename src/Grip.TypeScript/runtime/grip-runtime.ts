// The GripHandlers client runtime: one WebSocket per handler path, reconnect with backoff and
// jitter, typed events, typed close errors. The generated client.ts builds on it; it has no
// dependencies and runs in browsers and in Node (pass `WebSocket` from the `ws` package on Node 20).

/**
 * The subset of the browser `WebSocket` API the runtime uses; the `ws` package implements it too.
 * The handler properties take `never` so that both the DOM's and `ws`'s event types fit.
 */
export interface WebSocketLike {
  binaryType: string;
  onopen: ((event: never) => void) | null;
  onclose: ((event: never) => void) | null;
  onerror: ((event: never) => void) | null;
  onmessage: ((event: never) => void) | null;
  send(data: string | ArrayBufferLike | ArrayBufferView): void;
  close(code?: number, reason?: string): void;
}

interface CloseLike {
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
}

/** A `WebSocket` constructor: `globalThis.WebSocket` in browsers, `WebSocket` from `ws` in Node. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

/** Where a channel connection is in its life. */
export type GripConnectionState = "idle" | "connecting" | "open" | "reconnecting" | "closed";

/** What the URL and query hooks are told before each connection attempt. */
export interface GripAttemptInfo {
  /** 1 for the first attempt after `connect()` or after a connection that was open; counts failed attempts in between. */
  readonly attempt: number;
  /** Whether this attempt follows a lost connection (not the first `connect()`). */
  readonly reconnecting: boolean;
  /** How the previous connection ended, if there was one. */
  readonly lastClose: GripCloseEvent | undefined;
}

/** A value, or a function computing it before each connection attempt (for example to fetch a fresh token). */
export type PerAttempt<T> = T | ((info: GripAttemptInfo) => T | Promise<T>);

/** Backoff between reconnect attempts: the delay grows geometrically up to a cap, then jitter is subtracted. */
export interface GripReconnectOptions {
  /** Delay before the first reconnect attempt, in ms. Default 250. */
  initialDelayMs?: number;
  /** The cap on the delay, in ms. Default 30000. */
  maxDelayMs?: number;
  /** Growth factor per failed attempt. Default 2. */
  multiplier?: number;
  /** 0..1: up to this fraction of each delay is randomly removed (0 = no jitter, 1 = "full jitter"). Default 0.5. */
  jitter?: number;
  /** Give up after this many attempts in a row (then the state becomes `closed`). Default: never. */
  maxAttempts?: number;
  /** A connection open at least this long resets the attempt count. Default 5000 ms. */
  resetAfterMs?: number;
  /** Decides whether a close is followed by a reconnect; the default is {@link defaultShouldReconnect}. */
  shouldReconnect?: (close: GripCloseEvent) => boolean;
  /** The random source for the jitter (tests pass a fixed one). Default `Math.random`. */
  random?: () => number;
}

/** Options of one channel connection. */
export interface GripChannelOptions<Query> {
  /** The base URL (`ws://host:port` or `wss://…`, or `http(s)://`, which becomes `ws(s)://`); the handler path is appended. In a browser it defaults to the page's origin. */
  url?: PerAttempt<string>;
  /** Query parameters added to the URL (for example a token); a function is called before every attempt. */
  query?: PerAttempt<Query>;
  /** Subprotocols offered in the handshake. */
  protocols?: string[];
  /** The WebSocket implementation; default `globalThis.WebSocket`. */
  WebSocket?: WebSocketConstructor;
  /** Reconnect policy, or `false` to never reconnect. */
  reconnect?: GripReconnectOptions | false;
  /** Messages sent while (re)connecting wait for the connection, up to this many. Default 1000. */
  maxQueuedMessages?: number;
}

/** One close code a handler uses, as the AsyncAPI document lists it (`x-grip-handler.closeCodes`). */
export interface GripCloseCodeInfo {
  readonly code: number;
  readonly name: string;
  readonly reason?: string;
  readonly description?: string;
  readonly reconnect?: boolean;
}

/** How a connection ended. */
export interface GripCloseEvent<Name extends string = string> {
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
  /** Set when the server closed with a code of the handler's contract (1003, 1007, 1011, the app's own codes). */
  readonly error: GripCloseError<Name> | undefined;
  /** Whether the client closed it (`close()`). */
  readonly byClient: boolean;
  /** Whether a reconnect follows. */
  readonly willReconnect: boolean;
}

/** The base class of every error the client reports. */
export class GripClientError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * The server closed the connection with a code of the handler's contract: 1003 (unsupported message),
 * 1007 (invalid message), 1011 (handler fault) or one of the app's own codes (4000-4999).
 * `kind` is the code's name from the AsyncAPI document, typed per handler.
 */
export class GripCloseError<Name extends string = string> extends GripClientError {
  constructor(
    readonly code: number,
    readonly kind: Name,
    readonly reason: string,
    readonly description: string | undefined,
  ) {
    super(`The server closed the connection with ${code} (${kind})${reason ? `: ${reason}` : ""}.`);
  }
}

/** The connection could not be established (network error, or the server refused the handshake, e.g. an expired token). */
export class GripConnectError extends GripClientError {
  constructor(
    readonly url: string,
    readonly attempt: number,
    readonly detail?: unknown,
  ) {
    super(`Could not connect to ${url} (attempt ${attempt}).`);
  }
}

/** A message was sent while the connection is idle or closed (messages sent while connecting wait instead). */
export class GripNotConnectedError extends GripClientError {}

/** A `waitFor` did not see its message in time, or the connection closed for good first. */
export class GripTimeoutError extends GripClientError {}

/** A message arrived that matches none of the messages the document declares for this handler. */
export interface GripUnmatchedMessage {
  readonly data: string | ArrayBuffer;
  readonly reason: string;
}

/** The lifecycle events every channel connection has, besides its message events. */
export interface GripLifecycleEvents<Name extends string> {
  open: { readonly reconnected: boolean };
  close: GripCloseEvent<Name>;
  state: GripConnectionState;
  error: GripClientError;
  unmatched: GripUnmatchedMessage;
}

/** A JSON Schema in the subset the GripHandlers AsyncAPI conventions use (docs/asyncapi.md). */
export type GripSchema = boolean | { readonly [keyword: string]: unknown };

/** How the generated code describes one incoming message. */
export interface GripIncomingMessage {
  readonly event: string;
  readonly kind: "json" | "text" | "binary";
  readonly schema?: GripSchema;
}

/** How the generated code describes one handler channel. */
export interface GripChannelDescriptor {
  readonly path: string;
  readonly discriminator: string | null;
  readonly closeCodes: readonly GripCloseCodeInfo[];
  readonly incoming: readonly GripIncomingMessage[];
  readonly schemas: { readonly [name: string]: GripSchema };
}

/** The default reconnect decision: not after the client's own close, a normal close (1000) or a policy violation (1008), nor after a code whose document entry says `reconnect: false`. */
export function defaultShouldReconnect(close: GripCloseEvent, closeCodes: readonly GripCloseCodeInfo[] = []): boolean {
  if (close.byClient || close.code === 1000 || close.code === 1008) {
    return false;
  }

  const info = closeCodes.find((c) => c.code === close.code);
  return info?.reconnect !== false;
}

/** The delay before reconnect attempt `attempt` (1-based), in ms. */
export function backoffDelay(attempt: number, options: GripReconnectOptions = {}): number {
  const initial = options.initialDelayMs ?? 250;
  const max = options.maxDelayMs ?? 30000;
  const multiplier = options.multiplier ?? 2;
  const jitter = Math.min(1, Math.max(0, options.jitter ?? 0.5));
  const random = options.random ?? Math.random;
  const base = Math.min(max, initial * Math.pow(multiplier, Math.max(0, attempt - 1)));
  return Math.round(base * (1 - jitter * random()));
}

/**
 * Whether `value` is valid against `schema`, for the JSON Schema subset of the conventions: `type`
 * (one or a list), `properties`, `required`, `additionalProperties`, `items`, `enum`, `const`,
 * `allOf`/`anyOf`/`oneOf` and local `$ref`s to `#/components/schemas/<name>`. Other keywords
 * (`format`, `description`, `x-…`) do not constrain.
 */
export function matchesSchema(schema: GripSchema, value: unknown, schemas: { readonly [name: string]: GripSchema }): boolean {
  if (typeof schema === "boolean") {
    return schema;
  }

  const ref = schema["$ref"];
  if (typeof ref === "string") {
    const name = ref.startsWith("#/components/schemas/") ? ref.slice("#/components/schemas/".length) : undefined;
    const target = name === undefined ? undefined : schemas[name];
    if (target === undefined) {
      throw new GripClientError(`Unresolvable schema reference ${ref}.`);
    }

    return matchesSchema(target, value, schemas);
  }

  const type = schema["type"];
  if (type !== undefined) {
    const types = Array.isArray(type) ? (type as string[]) : [type as string];
    if (!types.some((t) => hasType(t, value))) {
      return false;
    }
  }

  if ("const" in schema && !jsonEqual(schema["const"], value)) {
    return false;
  }

  const enumValues = schema["enum"];
  if (Array.isArray(enumValues) && !enumValues.some((e) => jsonEqual(e, value))) {
    return false;
  }

  const allOf = schema["allOf"];
  if (Array.isArray(allOf) && !allOf.every((s) => matchesSchema(s as GripSchema, value, schemas))) {
    return false;
  }

  const anyOf = schema["anyOf"];
  if (Array.isArray(anyOf) && !anyOf.some((s) => matchesSchema(s as GripSchema, value, schemas))) {
    return false;
  }

  const oneOf = schema["oneOf"];
  if (Array.isArray(oneOf) && oneOf.filter((s) => matchesSchema(s as GripSchema, value, schemas)).length !== 1) {
    return false;
  }

  if (isObject(value)) {
    const properties = (schema["properties"] ?? {}) as { [name: string]: GripSchema };
    const required = (schema["required"] ?? []) as string[];
    if (!required.every((name) => Object.prototype.hasOwnProperty.call(value, name))) {
      return false;
    }

    const additional = schema["additionalProperties"] as GripSchema | undefined;
    for (const [name, item] of Object.entries(value)) {
      const propertySchema = Object.prototype.hasOwnProperty.call(properties, name) ? properties[name] : additional;
      if (propertySchema !== undefined && !matchesSchema(propertySchema, item, schemas)) {
        return false;
      }
    }
  }

  if (Array.isArray(value) && schema["items"] !== undefined) {
    const items = schema["items"] as GripSchema;
    if (!value.every((item) => matchesSchema(items, item, schemas))) {
      return false;
    }
  }

  return true;
}

function isObject(value: unknown): value is { [name: string]: unknown } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function hasType(type: string, value: unknown): boolean {
  switch (type) {
    case "null":
      return value === null;
    case "boolean":
      return typeof value === "boolean";
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number";
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "array":
      return Array.isArray(value);
    case "object":
      return isObject(value);
    default:
      return false;
  }
}

function jsonEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

type Listener<T> = (value: T) => void;

/**
 * One WebSocket to one handler path, with reconnect, a send queue while (re)connecting, typed
 * message events (`Events`) and lifecycle events. The generated client derives one class per
 * handler from it and adds one method per route.
 */
export class GripChannel<Events extends object, Query extends object, CloseName extends string> {
  readonly #descriptor: GripChannelDescriptor;
  readonly #options: GripChannelOptions<Query>;
  readonly #listeners = new Map<string, Set<Listener<never>>>();
  readonly #queue: Array<string | ArrayBufferLike | ArrayBufferView> = [];
  #socket: WebSocketLike | undefined;
  #state: GripConnectionState = "idle";
  #attempt = 0;
  #lastClose: GripCloseEvent<CloseName> | undefined;
  #openedAt = 0;
  #lastError: GripClientError | undefined;
  #everOpened = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #connectWaiters: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];

  protected constructor(descriptor: GripChannelDescriptor, options: GripChannelOptions<Query>) {
    this.#descriptor = descriptor;
    this.#options = options;
  }

  /** The current state. */
  get state(): GripConnectionState {
    return this.#state;
  }

  /** Listens to a message event (one per message the handler sends) or a lifecycle event. */
  on<K extends keyof (Events & GripLifecycleEvents<CloseName>) & string>(
    event: K,
    listener: Listener<(Events & GripLifecycleEvents<CloseName>)[K]>,
  ): () => void {
    let set = this.#listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(event, set);
    }

    set.add(listener as Listener<never>);
    return () => this.off(event, listener);
  }

  /** Removes a listener. */
  off<K extends keyof (Events & GripLifecycleEvents<CloseName>) & string>(
    event: K,
    listener: Listener<(Events & GripLifecycleEvents<CloseName>)[K]>,
  ): void {
    this.#listeners.get(event)?.delete(listener as Listener<never>);
  }

  /**
   * Resolves with the next `event` whose value passes `filter`; rejects with {@link GripTimeoutError}
   * after `timeoutMs` (default 10000) or when the connection closes for good first.
   */
  waitFor<K extends keyof (Events & GripLifecycleEvents<CloseName>) & string>(
    event: K,
    options: { filter?: (value: (Events & GripLifecycleEvents<CloseName>)[K]) => boolean; timeoutMs?: number } = {},
  ): Promise<(Events & GripLifecycleEvents<CloseName>)[K]> {
    type V = (Events & GripLifecycleEvents<CloseName>)[K];
    return new Promise<V>((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? 10000;
      const cleanup = (): void => {
        clearTimeout(timer);
        offEvent();
        offState();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new GripTimeoutError(`No '${event}' within ${timeoutMs} ms.`));
      }, timeoutMs);
      const offEvent = this.on(event, (value: V) => {
        if (options.filter === undefined || options.filter(value)) {
          cleanup();
          resolve(value);
        }
      });
      const offState = this.on("state", (state) => {
        if (state === "closed" && event !== "state" && event !== "close") {
          cleanup();
          reject(new GripTimeoutError(`The connection closed before a '${event}' arrived.`));
        }
      });
    });
  }

  /** Opens the connection (reconnecting as configured); resolves when it is open, rejects if it closes for good first. */
  connect(): Promise<void> {
    if (this.#state === "open") {
      return Promise.resolve();
    }

    const promise = new Promise<void>((resolve, reject) => this.#connectWaiters.push({ resolve, reject }));
    if (this.#state === "idle" || this.#state === "closed") {
      this.#attempt = 0;
      this.#lastClose = undefined;
      this.#everOpened = false;
      void this.#open(false);
    }

    return promise;
  }

  /** Closes the connection for good (no reconnect); queued messages are dropped. */
  close(code = 1000, reason = ""): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#queue.length = 0;
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket !== undefined) {
      detach(socket);
      // Closing a socket that is still connecting makes it report an error (Node's ws throws one
      // nobody listens to as an uncaught exception): this close is on purpose, so swallow it.
      socket.onerror = () => {};
      try {
        socket.close(code, reason);
      } catch {
        // Already closing.
      }
    }

    if (this.#state !== "closed" && this.#state !== "idle") {
      const event: GripCloseEvent<CloseName> = { code, reason, wasClean: true, error: undefined, byClient: true, willReconnect: false };
      this.#emit("close", event);
    }

    this.#setState("closed");
    this.#failWaiters(new GripClientError("The connection was closed by the client."));
  }

  /**
   * Sends a frame as it is, outside the contract (for tests of a server's handling of bad input).
   * Prefer the generated route methods.
   */
  sendRaw(data: string | ArrayBufferLike | ArrayBufferView): void {
    this.#send(data);
  }

  /** Sends a typed route: the payload with the discriminator property set to the route value. */
  protected __sendRoute(route: string, payload: object): void {
    const discriminator = this.#descriptor.discriminator;
    if (discriminator === null) {
      throw new GripClientError("This handler has no typed routes.");
    }

    this.#send(JSON.stringify({ [discriminator]: route, ...payload }));
  }

  /** Sends a text message. */
  protected __sendText(text: string): void {
    this.#send(text);
  }

  /** Sends a binary message. */
  protected __sendBinary(data: ArrayBufferLike | ArrayBufferView): void {
    this.#send(data);
  }

  #send(data: string | ArrayBufferLike | ArrayBufferView): void {
    if (this.#state === "open" && this.#socket !== undefined) {
      this.#socket.send(data);
      return;
    }

    if (this.#state === "connecting" || this.#state === "reconnecting") {
      const max = this.#options.maxQueuedMessages ?? 1000;
      if (this.#queue.length >= max) {
        throw new GripNotConnectedError(`Not connected, and ${max} messages already wait for the connection.`);
      }

      this.#queue.push(data);
      return;
    }

    throw new GripNotConnectedError(`Not connected (state ${this.#state}): call connect() first.`);
  }

  async #open(reconnecting: boolean): Promise<void> {
    this.#attempt++;
    this.#setState(reconnecting ? "reconnecting" : "connecting");
    const info: GripAttemptInfo = { attempt: this.#attempt, reconnecting, lastClose: this.#lastClose };
    let url: string;
    try {
      url = await this.#buildUrl(info);
    } catch (error) {
      this.#lastError = error instanceof GripClientError ? error : new GripConnectError("(the url or query hook failed)", info.attempt, error);
      this.#emit("error", this.#lastError);
      this.#afterClose({ code: 1006, reason: "", wasClean: false, error: undefined, byClient: false, willReconnect: false }, false);
      return;
    }

    if (this.#state !== "connecting" && this.#state !== "reconnecting") {
      return; // closed by the client while the hooks ran
    }

    const Ctor = this.#options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (Ctor === undefined) {
      const error = new GripClientError("No WebSocket implementation: pass `WebSocket` (for example from the 'ws' package) in the options.");
      this.#emit("error", error);
      this.#setState("closed");
      this.#failWaiters(error);
      return;
    }

    let socket: WebSocketLike;
    try {
      socket = new Ctor(url, this.#options.protocols);
    } catch (error) {
      this.#lastError = new GripConnectError(url, info.attempt, error);
      this.#emit("error", this.#lastError);
      this.#afterClose({ code: 1006, reason: "", wasClean: false, error: undefined, byClient: false, willReconnect: false }, false);
      return;
    }

    this.#socket = socket;
    socket.binaryType = "arraybuffer";
    let opened = false;
    socket.onopen = () => {
      opened = true;
      this.#openedAt = Date.now();
      const reconnected = this.#everOpened;
      this.#everOpened = true;
      this.#setState("open");
      for (const data of this.#queue.splice(0)) {
        socket.send(data);
      }

      const waiters = this.#connectWaiters.splice(0);
      this.#emit("open", { reconnected });
      for (const w of waiters) {
        w.resolve();
      }
    };
    socket.onmessage = (event: { readonly data: unknown }) => this.#receive(event.data);
    socket.onerror = () => {
      // The close event that follows carries what is known; browsers give no detail here.
    };
    socket.onclose = (event: CloseLike) => {
      if (this.#socket !== socket) {
        return;
      }

      this.#socket = undefined;
      detach(socket);
      if (!opened) {
        this.#lastError = new GripConnectError(url, info.attempt, { code: event.code, reason: event.reason });
        this.#emit("error", this.#lastError);
      }

      const info2 = this.#descriptor.closeCodes.find((c) => c.code === event.code);
      const error = opened && info2 !== undefined ? new GripCloseError<CloseName>(event.code, info2.name as CloseName, event.reason, info2.description) : undefined;
      this.#afterClose({ code: event.code, reason: event.reason, wasClean: event.wasClean, error, byClient: false, willReconnect: false }, opened);
    };
  }

  #afterClose(close: GripCloseEvent<CloseName>, wasOpen: boolean): void {
    const reconnect = this.#options.reconnect === false ? undefined : (this.#options.reconnect ?? {});
    if (wasOpen && Date.now() - this.#openedAt >= (reconnect?.resetAfterMs ?? 5000)) {
      this.#attempt = 0;
    }

    const wanted = reconnect !== undefined && (reconnect.shouldReconnect ?? ((c: GripCloseEvent) => defaultShouldReconnect(c, this.#descriptor.closeCodes)))(close);
    const allowed = reconnect !== undefined && this.#attempt < (reconnect.maxAttempts ?? Infinity);
    const willReconnect = wanted && allowed;
    const event = { ...close, willReconnect };
    this.#lastClose = event;
    if (event.error !== undefined) {
      this.#emit("error", event.error);
    }

    this.#emit("close", event);
    if (this.#state === "closed") {
      return; // a listener closed it
    }

    if (!willReconnect || reconnect === undefined) {
      this.#setState("closed");
      this.#queue.length = 0;
      this.#failWaiters(event.error ?? this.#lastError ?? new GripClientError(`The connection closed with ${event.code}.`));
      return;
    }

    this.#setState("reconnecting");
    const delay = backoffDelay(this.#attempt + 1, reconnect);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#state === "reconnecting") {
        void this.#open(true);
      }
    }, delay);
  }

  #receive(data: unknown): void {
    const incoming = this.#descriptor.incoming;
    if (typeof data !== "string") {
      const bytes = toArrayBuffer(data);
      const binary = incoming.find((m) => m.kind === "binary");
      if (binary !== undefined) {
        this.#emit(binary.event, bytes);
      } else {
        this.#emit("unmatched", { data: bytes, reason: "This handler sends no binary messages." });
      }

      return;
    }

    let parsed: unknown;
    let isJson = false;
    try {
      parsed = JSON.parse(data);
      isJson = true;
    } catch {
      // Not JSON: only a text message can match.
    }

    if (isJson) {
      for (const message of incoming) {
        if (message.kind === "json" && message.schema !== undefined && matchesSchema(message.schema, parsed, this.#descriptor.schemas)) {
          this.#emit(message.event, parsed);
          return;
        }
      }
    }

    const text = incoming.find((m) => m.kind === "text");
    if (text !== undefined) {
      this.#emit(text.event, data);
      return;
    }

    this.#emit("unmatched", { data, reason: isJson ? "The JSON matches none of the handler's messages." : "Not JSON, and this handler sends no text messages." });
  }

  async #buildUrl(info: GripAttemptInfo): Promise<string> {
    const base = await resolve(this.#options.url, info);
    const query = await resolve(this.#options.query, info);
    let root = base;
    if (root === undefined) {
      const location = (globalThis as { location?: { protocol: string; host: string } }).location;
      if (location === undefined) {
        throw new GripClientError("No `url` given, and there is no page location to default to.");
      }

      root = `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}`;
    }

    const url = new URL(this.#descriptor.path.replace(/^\//, ""), root.replace(/^http/, "ws").replace(/\/?$/, "/"));
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== null) {
        url.searchParams.set(name, String(value));
      }
    }

    return url.toString();
  }

  #setState(state: GripConnectionState): void {
    if (this.#state !== state) {
      this.#state = state;
      this.#emit("state", state);
    }
  }

  #failWaiters(error: Error): void {
    for (const w of this.#connectWaiters.splice(0)) {
      w.reject(error);
    }
  }

  #emit(event: string, value: unknown): void {
    const set = this.#listeners.get(event);
    if (set === undefined) {
      return;
    }

    for (const listener of [...set]) {
      try {
        (listener as Listener<unknown>)(value);
      } catch (error) {
        // A throwing listener must not break the connection; report it asynchronously like an unhandled error.
        setTimeout(() => {
          throw error;
        }, 0);
      }
    }
  }
}

async function resolve<T>(value: PerAttempt<T> | undefined, info: GripAttemptInfo): Promise<T | undefined> {
  return typeof value === "function" ? await (value as (info: GripAttemptInfo) => T | Promise<T>)(info) : value;
}

function detach(socket: WebSocketLike): void {
  socket.onopen = null;
  socket.onmessage = null;
  socket.onclose = null;
  socket.onerror = null;
}

function toArrayBuffer(data: unknown): ArrayBuffer {
  if (data instanceof ArrayBuffer) {
    return data;
  }

  if (ArrayBuffer.isView(data)) {
    return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  }

  throw new GripClientError("A binary message arrived in an unknown form.");
}
