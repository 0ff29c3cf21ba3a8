import { ProxyAgent } from "undici";
import type { RESTOptions } from "discord.js";

export interface RestConfig {
  apiUrl?: string;
}

export interface RestSetup {
  options: Partial<RESTOptions>;
  /** Close the proxy agent's connections, if one was made. */
  close(): Promise<void>;
}

/**
 * REST options shared by the running client and the registration command. Only REST goes
 * through HTTPS_PROXY: discord.js opens the gateway WebSocket without an agent.
 */
export function restSetup(config: RestConfig, httpsProxy?: string): RestSetup {
  const options: Partial<RESTOptions> = {};
  if (config.apiUrl) options.api = config.apiUrl.replace(/\/+$/, "");
  const agent = httpsProxy ? new ProxyAgent(httpsProxy) : undefined;
  if (agent) options.agent = agent;
  return { options, close: async () => agent?.close() };
}
