/** An error whose message is the whole story for the operator (a setting, a locked folder, a failed migration): shown without a stack trace. */
export class OperatorError extends Error {}
