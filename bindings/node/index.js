'use strict';
// avala: the Avala SDK for Node.js over libavala's C ABI (through koffi).
// The interface is the official Avala TypeScript SDK's; see README.md.
//
// CommonJS, shaped so every import style of the TypeScript SDK works:
//   const { Avala, NotFoundError } = require('avala');
//   import Avala, { NotFoundError } from 'avala';   // Node ESM: default = module.exports
//   import { Avala } from 'avala';                  // named exports found by Node's CJS lexer
// so module.exports is the Avala class itself, carrying the other exports.

const { Avala } = require('./lib/client');
const errors = require('./lib/errors');
const { abi } = require('./lib/abi');

/** Which libavala was loaded: { version, path }. Loads it if needed. */
function libraryInfo() {
  const a = abi();
  return { version: a.version, path: a.path };
}

module.exports = Avala;
module.exports.Avala = Avala;
module.exports.default = Avala;
module.exports.AvalaError = errors.AvalaError;
module.exports.AuthenticationError = errors.AuthenticationError;
module.exports.ForbiddenError = errors.ForbiddenError;
module.exports.NotFoundError = errors.NotFoundError;
module.exports.RateLimitError = errors.RateLimitError;
module.exports.ValidationError = errors.ValidationError;
module.exports.ServerError = errors.ServerError;
module.exports.RedirectError = errors.RedirectError;
module.exports.APIConnectionError = errors.APIConnectionError;
module.exports.APITimeoutError = errors.APITimeoutError;
module.exports.TLSError = errors.TLSError;
module.exports.ProxyError = errors.ProxyError;
module.exports.DecodeError = errors.DecodeError;
module.exports.CrossOriginError = errors.CrossOriginError;
module.exports.ConfigurationError = errors.ConfigurationError;
module.exports.InvalidArgumentError = errors.InvalidArgumentError;
module.exports.InternalError = errors.InternalError;
module.exports.OperationCancelledError = errors.OperationCancelledError;
module.exports.libraryInfo = libraryInfo;
