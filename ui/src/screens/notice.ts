//! A quiet success line in the shell, kept as catalog keys so it follows the language.

import type { MsgKey } from "../i18n";

export type Notice = {
  key: MsgKey;
  vars?: Record<string, string | number>;
  /** A catalog key whose text fills `{name}` (so a named action follows the language too). */
  nameKey?: MsgKey;
};
