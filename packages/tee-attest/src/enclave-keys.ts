import { webcrypto } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from '@rollup-mesh/core'
import { derToPem, SIMULATED_CERT_MARKER } from './certificates.js'
import { EnclaveStateError } from './errors.js'

/**
 * The simulated enclave's key material: a dev root CA, a PCK-like chain and an attestation key, issued with
 * @peculiar/x509 on first start and kept in `<dataDir>/enclave/` (keys 0600, chain written last).
 */

/** The files of `<dataDir>/enclave/`: the PEM chain (leaf, platform CA, root), the PCK key, the attestation key. */
export const ENCLAVE_FILES = {
  chain: 'pck-chain.pem',
  pckKey: 'pck-key.pem',
  attestationKey: 'attestation-key.pem',
} as const

const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const

export type KeyMaterial = { chainPem: string; pckKeyPem: string; attestationKeyPem: string }

async function generateKeyMaterial(notBefore: Date, years: number): Promise<KeyMaterial> {
  // Loaded on first start only: verifiers never pay for the certificate issuer.
  // @peculiar/x509 needs a Reflect metadata polyfill (tsyringe) before it loads.
  await import('reflect-metadata')
  const x509 = await import('@peculiar/x509')
  const crypto = webcrypto
  // `as never`: the provider's `Crypto` type differs between Node's and the DOM's typings (the explorer's
  // browser verifier typechecks this package with the DOM lib); at run time it is Node's webcrypto
  x509.cryptoProvider.set(crypto as never)
  const gen = () =>
    crypto.subtle.generateKey(EC, true, ['sign', 'verify']) as Promise<webcrypto.CryptoKeyPair>
  const [rootKeys, caKeys, pckKeys, akKeys] = await Promise.all([gen(), gen(), gen(), gen()])
  const notAfter = new Date(notBefore.getTime() + years * 365.25 * 24 * 3600 * 1000)
  const org = `O=${SIMULATED_CERT_MARKER} (not Intel),L=127.0.0.1,C=ZZ`
  const serial = () =>
    Buffer.from(crypto.getRandomValues(new Uint8Array(16)))
      .toString('hex')
      .replace(/^./, '1')
  const rootName = `CN=rollup-mesh Simulated SGX Root CA,${org}`
  const caName = `CN=rollup-mesh Simulated SGX PCK Platform CA,${org}`
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: rootName,
    notBefore,
    notAfter,
    keys: rootKeys,
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(true, 1, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(rootKeys.publicKey),
    ],
  })
  const ca = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: caName,
    issuer: rootName,
    notBefore,
    notAfter,
    publicKey: caKeys.publicKey,
    signingKey: rootKeys.privateKey,
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(rootKeys.publicKey),
    ],
  })
  const pck = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=rollup-mesh Simulated SGX PCK Certificate,${org}`,
    issuer: caName,
    notBefore,
    notAfter,
    publicKey: pckKeys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation,
        true,
      ),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  })
  const pkcs8Pem = async (key: webcrypto.CryptoKey) =>
    x509.PemConverter.encode(await crypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY')
  return {
    chainPem: [pck, ca, root].map((c) => derToPem(new Uint8Array(c.rawData))).join(''),
    pckKeyPem: await pkcs8Pem(pckKeys.privateKey),
    attestationKeyPem: await pkcs8Pem(akKeys.privateKey),
  }
}

async function writeAtomic(path: string, data: string, mode: number): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`
  await writeFile(tmp, data, { mode })
  await rename(tmp, path)
}

/** Loads the key directory, or creates it (complete or not at all) when it holds none of the files. */
export async function loadOrCreateKeyMaterial(
  keyDir: string,
  notBefore: Date,
  years: number,
  log: Logger,
): Promise<KeyMaterial> {
  const paths = {
    chain: join(keyDir, ENCLAVE_FILES.chain),
    pckKey: join(keyDir, ENCLAVE_FILES.pckKey),
    attestationKey: join(keyDir, ENCLAVE_FILES.attestationKey),
  }
  const present = Object.values(paths).filter((p) => existsSync(p))
  if (present.length === 0) {
    await mkdir(keyDir, { recursive: true, mode: 0o700 })
    const material = await generateKeyMaterial(notBefore, years)
    // Keys first, chain last: the chain's presence marks a complete directory.
    await writeAtomic(paths.pckKey, material.pckKeyPem, 0o600)
    await writeAtomic(paths.attestationKey, material.attestationKeyPem, 0o600)
    await writeAtomic(paths.chain, material.chainPem, 0o644)
    log.info({ keyDir }, 'simulated enclave: created dev root CA, PCK chain and attestation key')
    return material
  }
  if (present.length !== 3) {
    throw new EnclaveStateError({ dir: keyDir, problem: `only ${present.length} of 3 key files exist` })
  }
  return {
    chainPem: await readFile(paths.chain, 'utf8'),
    pckKeyPem: await readFile(paths.pckKey, 'utf8'),
    attestationKeyPem: await readFile(paths.attestationKey, 'utf8'),
  }
}
