// Type declarations for `avala`: the official Avala TypeScript SDK's
// interface, over libavala. Item fields are the API's, camelCased at the top
// level; fields the server adds later are kept (hence the index signatures).

export interface AvalaConfig {
  /** Default: $AVALA_API_KEY. */
  apiKey?: string;
  /** Default: $AVALA_BASE_URL, else https://api.avala.ai/api/v1. https only (http only for localhost with AVALA_ALLOW_INSECURE_BASE_URL=1). */
  baseUrl?: string;
  /** One deadline per request, in milliseconds. Default 30000. */
  timeout?: number;
  /** Retries of idempotent requests (connection failures, timeouts, 408, 429, 5xx). Default 2. */
  maxRetries?: number;
  /** A PEM bundle to trust instead of the system store. */
  caFile?: string;
  /** Wait for the X-RateLimit window instead of collecting 429s (client-side rate limiting). Default false. */
  rateLimit?: boolean;
  /** A directory of hashed CA certificates (c_rehash) to trust. */
  caDir?: string;
  /** A PEM client certificate (chain) for mutual TLS. */
  clientCert?: string;
  /** Its PEM private key; default: in the clientCert file. */
  clientKey?: string;
  /** The passphrase of an encrypted clientKey. */
  clientKeyPassword?: string;
  /** http://[user:pass@]host[:port], winning over $HTTPS_PROXY / $https_proxy / $ALL_PROXY; "" for none. */
  proxy?: string;
  /** Hosts reached directly (as $NO_PROXY: names with their subdomains, IPs, CIDR ranges, *). */
  noProxy?: string;
  /** false: ignore the *_proxy environment variables. Default true. */
  trustEnv?: boolean;
  /** false: ask for uncompressed answers. Default true (gzip, deflate). */
  compression?: boolean;
}

export interface RateLimitInfo {
  limit: string | null;
  remaining: string | null;
  reset: string | null;
}

export interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
  previousCursor: string | null;
  hasMore: boolean;
}

/** Options every call takes: `signal` aborts it (it rejects with the signal's reason, an AbortError). */
export interface CallOptions {
  signal?: AbortSignal;
}

export interface ListOptions extends CallOptions {
  /** Page size; the server's default (100) when omitted. */
  limit?: number;
  /** A nextCursor (or previousCursor) from an earlier page. */
  cursor?: string;
}

/** Every item of a list, fetching each page when it is reached. Frees its native iterator when done, on break, or on close(). */
export interface ItemIterator<T> extends AsyncIterableIterator<T> {
  readonly closed: boolean;
  return(value?: unknown): Promise<IteratorResult<T, undefined>>;
  close(): Promise<void>;
}

type Extra = { [field: string]: unknown };

export interface Project extends Extra {
  uid: string;
  name: string;
  status: string | null;
  createdAt: string | null;
  updatedAt: string | null;
  taskType?: string | null;
  isActive?: boolean | null;
  visibility?: string | null;
  isImported?: boolean | null;
  ownerName?: string | null;
  shortDescription?: string | null;
  industryIcon?: string | null;
}

export interface Task extends Extra {
  uid: string;
  type: string | null;
  name: string | null;
  status: string | null;
  project: string | null;
  createdAt: string | null;
  updatedAt: string | null;
}

export interface Export extends Extra {
  uid: string;
  status: string | null;
  downloadUrl: string | null;
  createdAt: string | null;
  updatedAt: string | null;
}

export interface Agent extends Extra {
  uid: string;
  name: string;
  description: string | null;
  events: string[];
  callbackUrl: string | null;
  isActive: boolean;
  project: string | null;
  taskTypes: string[];
  executionStats?: Record<string, number>;
  createdAt: string | null;
  updatedAt: string | null;
}

export interface AgentExecution extends Extra {
  uid: string;
  registration: string;
  eventType: string;
  task: string | null;
  result: string | null;
  status: string;
  action: string | null;
  eventPayload: unknown;
  responsePayload: unknown;
  errorMessage: string | null;
  startedAt: string | null;
  completedAt: string | null;
  createdAt: string | null;
  updatedAt: string | null;
}

export interface QualityTarget extends Extra {
  uid: string;
  name: string;
  metric: string;
  operator: string;
  threshold: number;
  severity: string;
  isActive: boolean;
  notifyWebhook: boolean;
  notifyEmails: string[];
  lastEvaluatedAt: string | null;
  lastValue: number | null;
  isBreached: boolean;
  breachCount: number;
  lastBreachedAt: string | null;
  createdAt: string | null;
  updatedAt: string | null;
}

export interface QualityTargetEvaluation extends Extra {
  uid: string;
  name: string;
  metric: string;
  threshold: number;
  operator: string;
  currentValue: number | null;
  isBreached: boolean;
  severity: string;
}

export interface Dataset extends Extra {
  uid: string;
  name: string;
  slug: string;
  itemCount: number;
  status?: string | null;
  dataType: string | null;
  isSequence?: boolean;
  createdAt: string | null;
  updatedAt: string | null;
}

export interface CreateAgentOptions {
  name: string;
  description?: string;
  callbackUrl?: string;
  events?: string[];
  isActive?: boolean;
  project?: string;
  taskTypes?: string[];
}
export type UpdateAgentOptions = Partial<CreateAgentOptions>;

export interface CreateQualityTargetOptions {
  name: string;
  metric: string;
  threshold: number;
  operator?: string;
  severity?: string;
  isActive?: boolean;
  notifyWebhook?: boolean;
  notifyEmails?: string[];
}
export type UpdateQualityTargetOptions = Partial<CreateQualityTargetOptions>;

export interface WaitOptions {
  /** Milliseconds between polls; default 2000, never below 500. */
  interval?: number;
  /** Overall milliseconds; default 300000. Then an APITimeoutError naming the last status. */
  timeout?: number;
  /** Cancels the wait (rejects with the signal's reason). */
  signal?: AbortSignal;
  /** Called after each poll with the export and the seconds since the wait began. */
  onProgress?: (exp: Export, elapsedSeconds: number) => void;
}

export interface ProjectsResource {
  list(options?: ListOptions): Promise<CursorPage<Project>>;
  iter(options?: ListOptions): ItemIterator<Project>;
  get(uid: string, call?: CallOptions): Promise<Project>;
}

export interface TaskListOptions extends ListOptions {
  project?: string;
  status?: string;
}
export interface TasksResource {
  list(options?: TaskListOptions): Promise<CursorPage<Task>>;
  iter(options?: TaskListOptions): ItemIterator<Task>;
  get(uid: string, call?: CallOptions): Promise<Task>;
}

export interface ExportsResource {
  list(options?: ListOptions): Promise<CursorPage<Export>>;
  iter(options?: ListOptions): ItemIterator<Export>;
  create(options: { project: string; dataset?: undefined } | { dataset: string; project?: undefined }, call?: CallOptions): Promise<Export>;
  get(uid: string, call?: CallOptions): Promise<Export>;
  /** Polls get(uid) until the status is "exported" or "failed" (a failed export resolves; check its status). */
  wait(uid: string, options?: WaitOptions): Promise<Export>;
}

export interface AgentsResource {
  list(options?: ListOptions): Promise<CursorPage<Agent>>;
  iter(options?: ListOptions): ItemIterator<Agent>;
  get(uid: string, call?: CallOptions): Promise<Agent>;
  create(options: CreateAgentOptions, call?: CallOptions): Promise<Agent>;
  update(uid: string, options: UpdateAgentOptions, call?: CallOptions): Promise<Agent>;
  delete(uid: string, call?: CallOptions): Promise<void>;
  listExecutions(uid: string, options?: ListOptions): Promise<CursorPage<AgentExecution>>;
  iterExecutions(uid: string, options?: ListOptions): ItemIterator<AgentExecution>;
  test(uid: string, call?: CallOptions): Promise<{ success: boolean; [field: string]: unknown }>;
}

export interface QualityTargetsResource {
  list(projectUid: string, options?: ListOptions): Promise<CursorPage<QualityTarget>>;
  iter(projectUid: string, options?: ListOptions): ItemIterator<QualityTarget>;
  get(projectUid: string, uid: string, call?: CallOptions): Promise<QualityTarget>;
  create(projectUid: string, options: CreateQualityTargetOptions, call?: CallOptions): Promise<QualityTarget>;
  update(projectUid: string, uid: string, options: UpdateQualityTargetOptions, call?: CallOptions): Promise<QualityTarget>;
  delete(projectUid: string, uid: string, call?: CallOptions): Promise<void>;
  evaluate(projectUid: string, call?: CallOptions): Promise<QualityTargetEvaluation[]>;
}

export interface DatasetListOptions extends ListOptions {
  dataType?: string;
  name?: string;
  status?: string;
  visibility?: string;
}
export interface DatasetsResource {
  list(options?: DatasetListOptions): Promise<CursorPage<Dataset>>;
  iter(options?: DatasetListOptions): ItemIterator<Dataset>;
  get(uid: string, call?: CallOptions): Promise<Dataset>;
}

export declare class Avala {
  constructor(config?: AvalaConfig);
  readonly projects: ProjectsResource;
  readonly tasks: TasksResource;
  readonly exports: ExportsResource;
  readonly agents: AgentsResource;
  readonly qualityTargets: QualityTargetsResource;
  readonly datasets: DatasetsResource;
  /** The base URL in use, after defaults and normalisation. */
  readonly baseUrl: string;
  /** X-RateLimit-* of the last response. */
  readonly rateLimitInfo: RateLimitInfo;
  /** Any endpoint, relative to the base URL; resolves to the parsed JSON answer. */
  request<T = unknown>(method: string, path: string, options?: { params?: Record<string, string | number | boolean>; json?: unknown; signal?: AbortSignal }): Promise<T>;
  /** Frees the native client once calls in flight finish; later calls reject. */
  close(): void;
}
export default Avala;

export declare class AvalaError extends Error {
  constructor(message: string, statusCode?: number, body?: unknown);
  readonly statusCode: number | undefined;
  readonly body: unknown;
  /** libavala's stable name for the failure ("not_found", "timeout", ...). */
  kind: string | undefined;
  /** Requests sent (1 + retries); 0 when nothing was sent. */
  attempts: number | undefined;
}
export declare class AuthenticationError extends AvalaError {
  constructor(message: string, body?: unknown);
}
export declare class ForbiddenError extends AvalaError {
  constructor(message: string, body?: unknown);
}
export declare class NotFoundError extends AvalaError {
  constructor(message: string, body?: unknown);
}
export declare class RateLimitError extends AvalaError {
  constructor(message: string, body?: unknown, retryAfter?: number | null);
  readonly retryAfter: number | null;
}
export declare class ValidationError extends AvalaError {
  constructor(message: string, statusCode?: number, body?: unknown, details?: unknown[]);
  readonly details: unknown[];
}
export declare class ServerError extends AvalaError {
  constructor(message: string, statusCode: number, body?: unknown);
}
export declare class RedirectError extends AvalaError {}
export declare class APIConnectionError extends AvalaError {}
export declare class APITimeoutError extends APIConnectionError {}
export declare class TLSError extends APIConnectionError {}
export declare class ProxyError extends APIConnectionError {}
export declare class DecodeError extends AvalaError {}
export declare class CrossOriginError extends AvalaError {}
export declare class ConfigurationError extends AvalaError {}
export declare class InvalidArgumentError extends AvalaError {}
export declare class InternalError extends AvalaError {}
export declare class OperationCancelledError extends AvalaError {}

/** Which libavala was loaded ($AVALA_LIBRARY, else the package's native/ copy, else the system loader). */
export declare function libraryInfo(): { version: string; path: string };
