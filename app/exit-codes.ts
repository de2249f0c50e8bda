// The command-line contract (DESIGN.md): scripts depend on these.
export const EXIT_OK = 0;
export const EXIT_FATAL = 1;
export const EXIT_SOME_FAILED = 3;
