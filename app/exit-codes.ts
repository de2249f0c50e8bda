// The command-line contract (README, docs/architecture.md): scripts depend on these.
export const EXIT_OK = 0;
export const EXIT_FATAL = 1;
export const EXIT_SOME_FAILED = 3;
/** `lore eval`: the release gate ran and at least one threshold was missed. */
export const EXIT_GATE_FAILED = 4;
