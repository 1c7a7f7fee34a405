//! A quiet success line on the home screen, kept as a catalog key so it follows the language.

import type { MsgKey } from "../i18n";

export type Notice = { key: MsgKey; vars?: Record<string, string | number> };
