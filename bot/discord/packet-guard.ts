import type { Client } from 'discord.js';

/** The part of discord.js's gateway manager that runs a packet's handler (a private method, hence declared here). */
interface PacketHandling {
  handlePacket(packet?: { t?: string }, shard?: unknown): boolean;
}

/**
 * discord.js runs a packet's handler inside the WebSocket's message event, so a handler that throws on a malformed
 * packet (a TypeError reading a field that is missing) ends the process. Caught here, it is reported instead.
 */
export function guardPacketHandling(client: Client, onFailure: (error: Error, event: string | undefined) => void): void {
  const manager = client.ws as unknown as PacketHandling;
  const handlePacket = manager.handlePacket.bind(manager);
  manager.handlePacket = (packet, shard) => {
    try {
      return handlePacket(packet, shard);
    } catch (error) {
      onFailure(error instanceof Error ? error : new Error(String(error)), packet?.t);
      return true;
    }
  };
}
