/**
 * Errors the domain layer raises on purpose. Each front door maps them to its
 * own shape (GraphQL `extensions.code`, Twilio REST error bodies); anything
 * else is unexpected and gets masked.
 */
export abstract class DomainError extends Error {
  abstract readonly code: 'NOT_FOUND' | 'BAD_USER_INPUT' | 'FORBIDDEN';
}

export class NotFoundError extends DomainError {
  override name = 'NotFoundError';
  readonly code = 'NOT_FOUND';
}

export class BadInputError extends DomainError {
  override name = 'BadInputError';
  readonly code = 'BAD_USER_INPUT';
  /** The argument or parameter at fault, when there is one. */
  constructor(
    message: string,
    readonly argument?: string,
  ) {
    super(message);
  }
}

export class ForbiddenError extends DomainError {
  override name = 'ForbiddenError';
  readonly code = 'FORBIDDEN';
}
