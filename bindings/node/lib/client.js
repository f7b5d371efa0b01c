'use strict';

const { abi } = require('./abi');
const { invalidArgument, cString, ConfigurationError, DecodeError } = require('./errors');
const { callAsync, callSync, NativeClient, clientRegistry } = require('./native');
const { RESOURCE_CLASSES, NATIVE } = require('./resources');

function optionalNumber(value, name, check, what) {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !check(value)) throw invalidArgument(`${name} must be ${what}, got ${value}`);
  return value;
}

function optionalString(value, name) {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw invalidArgument(`${name} must be a string`);
  return cString(value, name);
}

/**
 * The Avala API client, as in the official TypeScript SDK:
 * `new Avala({ apiKey, baseUrl, timeout, maxRetries, rateLimit })`. The key defaults to
 * $AVALA_API_KEY and the URL to $AVALA_BASE_URL, else https://api.avala.ai/api/v1;
 * `timeout` is in milliseconds (default 30000), one deadline per request.
 * Every network call returns a Promise and runs on libavala's asynchronous C
 * ABI: no thread (neither libuv's pool nor one of its own) waits for it.
 */
class Avala {
  constructor(config) {
    config = config ?? {};
    const timeout = optionalNumber(config.timeout, 'timeout', (v) => Number.isFinite(v) && v > 0, 'a positive number of milliseconds');
    const maxRetries = optionalNumber(config.maxRetries, 'maxRetries', (v) => Number.isInteger(v) && v >= 0, 'a non-negative integer');
    if (config.rateLimit !== undefined && typeof config.rateLimit !== 'boolean') {
      throw new TypeError('avala: rateLimit must be true or false');
    }
    const rateLimit = config.rateLimit === true;
    for (const flag of ['trustEnv', 'compression']) {
      if (config[flag] !== undefined && typeof config[flag] !== 'boolean') {
        throw new TypeError(`avala: ${flag} must be true or false`);
      }
    }
    if (!config.apiKey && !process.env.AVALA_API_KEY) {
      // The TypeScript SDK's wording (libavala's would say api_key); nothing is sent either way.
      throw Object.assign(new ConfigurationError(
        'No API key provided. Pass apiKey in config or set the AVALA_API_KEY environment variable.'),
      { kind: 'config', attempts: 0 });
    }
    const a = abi();
    const options = {
      version: a.CLIENT_OPTIONS_VERSION,
      api_key: optionalString(config.apiKey, 'apiKey'),
      base_url: optionalString(config.baseUrl, 'baseUrl'),
      timeout_ms: timeout === undefined ? 0 : Math.ceil(timeout),
      ca_file: optionalString(config.caFile, 'caFile'),
      user_agent_suffix: `node/${process.versions.node}`,
      max_retries: maxRetries === undefined ? -1 : maxRetries,
      rate_limit: rateLimit ? 1 : 0,
      ca_dir: optionalString(config.caDir, 'caDir'),
      client_cert: optionalString(config.clientCert, 'clientCert'),
      client_key: optionalString(config.clientKey, 'clientKey'),
      client_key_password: optionalString(config.clientKeyPassword, 'clientKeyPassword'),
      proxy: optionalString(config.proxy, 'proxy'),
      no_proxy: optionalString(config.noProxy, 'noProxy'),
      proxy_env_off: config.trustEnv === false ? 1 : 0,
      compression_off: config.compression === false ? 1 : 0,
    };
    // Sends nothing: a missing key or an insecure URL fails here (ConfigurationError).
    const ptr = callSync(a.fn.avala_client_new, true, [options]);
    const native = new NativeClient(ptr);
    Object.defineProperty(this, NATIVE, { value: native });
    clientRegistry.register(this, native, this);
    for (const [name, Resource] of Object.entries(RESOURCE_CLASSES)) {
      Object.defineProperty(this, name, { value: new Resource(this), enumerable: true });
    }
  }

  /** The base URL in use, after defaults and normalisation. */
  get baseUrl() {
    return this[NATIVE].useSync((client) => abi().fn.avala_client_base_url(client));
  }

  /** X-RateLimit-* of the last response, as strings (null when unknown), like the TypeScript SDK. */
  get rateLimitInfo() {
    return this[NATIVE].useSync((client) => {
      const out = {};
      abi().fn.avala_client_rate_limit(out, client);
      const str = (v) => (Number(v) < 0 ? null : String(v));
      return { limit: str(out.limit), remaining: str(out.remaining), reset: str(out.reset) };
    });
  }

  /**
   * Any endpoint, for those without a method yet: `request('GET', '/tasks/', { params: { limit: 5 } })`.
   * `path` is relative to the base URL. Resolves to the parsed JSON answer
   * (undefined when empty); an HTTP error rejects like every other call.
   */
  async request(method, path, { params, json, signal } = {}) {
    if (typeof method !== 'string' || typeof path !== 'string') throw invalidArgument('request(method, path) takes two strings');
    cString(method, 'method');
    let target = cString(path, 'path');
    if (params && Object.keys(params).length) {
      const query = new URLSearchParams();
      for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null) query.append(k, String(v));
      target += (target.includes('?') ? '&' : '?') + query.toString();  // URL-encoded: a NUL becomes %00
    }
    const body = json === undefined ? null : JSON.stringify(json);
    const fn = abi().fn;
    const resp = await this[NATIVE].use((client) => callAsync(fn.avala_request, true, [client, method, target, body], signal));
    try {
      const text = fn.avala_response_body(resp, null);
      if (!text) return undefined;
      try {
        return JSON.parse(text);
      } catch {
        throw Object.assign(new DecodeError(`${method} ${path}: the answer is not JSON`), { kind: 'decode', attempts: 1 });
      }
    } finally {
      fn.avala_response_free(resp);
    }
  }

  /**
   * Frees the native client once calls in flight have finished; later calls
   * reject. Iterators already made keep working. Also done at garbage
   * collection, but explicit is better: it releases the connections now.
   */
  close() {
    clientRegistry.unregister(this);
    this[NATIVE].close();
  }
}

if (Symbol.dispose) Avala.prototype[Symbol.dispose] = Avala.prototype.close;

module.exports = { Avala };
