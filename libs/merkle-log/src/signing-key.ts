import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createSecretFileOnce } from '@cx/settings';
import { CheckpointSigner } from './checkpoint-signature';

/**
 * The signer from the Ed25519 private key at `path` (PKCS#8 PEM), made there on first use
 * when there is none (SPEC §5 `CX_SIGNING_KEY_FILE`; embedded default: in CX_DATA_DIR). It
 * is written readable by its owner only, and atomically: processes that start together
 * end up with the same key.
 */
export function loadOrCreateSigner(path: string): CheckpointSigner {
  if (!existsSync(path)) createKeyFile(path);
  const privateKey = createPrivateKey(readFileSync(path));
  return new CheckpointSigner(privateKey, createPublicKey(privateKey));
}

/** The public key from a file holding the private key or only the public one (PEM): what a verifier needs. */
export function loadPublicKey(path: string): KeyObject {
  if (!existsSync(path)) throw new Error(`no checkpoint key at ${path} (CX_SIGNING_KEY_FILE, or --public-key)`);
  const key = createPublicKey(readFileSync(path));
  if (key.asymmetricKeyType !== 'ed25519')
    throw new Error(`${path} holds a ${key.asymmetricKeyType} key; checkpoints are signed with Ed25519`);
  return key;
}

function createKeyFile(path: string): void {
  const { privateKey } = generateKeyPairSync('ed25519');
  createSecretFileOnce(path, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
}
