/**
 * zod's messages in English: the configuration's errors and the protocol's (`bad-message`)
 * quote them. zod/mini carries no locale of its own; only this one is loaded.
 */
import * as z from "zod/mini";
import en from "zod/v4/locales/en.js";

z.config(en());
