import { describe, expect, it } from 'vitest';
import { BlockedAddressError, isPublicAddress, resolvePublicAddress } from '../../../connectors/web/address-guard.ts';

describe('telling public addresses from private ones', () => {
  it('refuses loopback, private, link-local, CGNAT, multicast, unspecified and reserved IPv4', () => {
    for (const address of [
      '127.0.0.1',
      '127.255.0.9',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '100.127.255.254',
      '0.0.0.0',
      '224.0.0.1',
      '239.255.255.250',
      '255.255.255.255',
      '240.0.0.1',
      '192.0.2.10',
      '198.18.0.1',
    ]) {
      expect(isPublicAddress(address), address).toBe(false);
    }
  });

  it('refuses loopback, unique-local, link-local, multicast and unspecified IPv6, and IPv4 hidden inside IPv6', () => {
    for (const address of [
      '::1',
      '::',
      'fc00::1',
      'fd12:3456::1',
      'fe80::1',
      'fe80::1%eth0',
      'ff02::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:10.0.0.1',
      '::ffff:169.254.169.254',
      '64:ff9b::a9fe:a9fe',
      '2002:7f00:1::',
      '2001:db8::1',
      '[::1]',
      '::127.0.0.1',
    ]) {
      expect(isPublicAddress(address), address).toBe(false);
    }
  });

  it('accepts public addresses of both families', () => {
    for (const address of ['93.184.216.34', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '2002:808:808::1']) {
      expect(isPublicAddress(address), address).toBe(true);
    }
  });

  it('refuses what is not an address at all', () => {
    for (const address of ['', 'localhost', '1.2.3', '::gg', '1:2:3:4:5:6:7:8:9']) expect(isPublicAddress(address), address).toBe(false);
  });
});

describe('resolving a host before connecting', () => {
  const resolver =
    (...addresses: string[]) =>
    async () =>
      addresses.map((address) => ({ address, family: address.includes(':') ? (6 as const) : (4 as const) }));

  it('refuses an address literal or a name that resolves to loopback, naming the address', async () => {
    await expect(resolvePublicAddress('127.0.0.1', false)).rejects.toThrow(BlockedAddressError);
    await expect(resolvePublicAddress('[::1]', false)).rejects.toThrow(/::1, a private, loopback or otherwise non-public address/);
    await expect(resolvePublicAddress('localhost', false)).rejects.toThrow(/^localhost resolves to (127\.0\.0\.1|::1)/);
  });

  it('refuses a name when any of its addresses is private', async () => {
    await expect(resolvePublicAddress('mixed.example', false, resolver('93.184.216.34', 'fd00::5'))).rejects.toThrow(/resolves to fd00::5/);
  });

  it('returns the checked address to connect to, and allows private ones only when told to', async () => {
    await expect(resolvePublicAddress('www.example', false, resolver('93.184.216.34'))).resolves.toEqual({ address: '93.184.216.34', family: 4 });
    await expect(resolvePublicAddress('intranet.example', true, resolver('10.0.0.8'))).resolves.toEqual({ address: '10.0.0.8', family: 4 });
    await expect(resolvePublicAddress('nowhere.example', true, resolver())).rejects.toThrow(/did not resolve/);
  });
});
