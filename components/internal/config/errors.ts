/** A configuration problem; the message always starts with the key it is about. */
export class ConfigError extends Error {
  constructor(
    readonly key: string,
    problem: string,
  ) {
    super(`config: ${key}: ${problem}`);
    this.name = "ConfigError";
  }
}
