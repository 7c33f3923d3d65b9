// Verifies the issuer's credentials with Digital Bazaar's eddsa-rdfc-2022 implementation
// (jsonld-signatures + @digitalbazaar/data-integrity + eddsa-rdfc-2022-cryptosuite), a code
// base that shares nothing with the issuer's Python.
//
// stdin: {"contexts": {url: document}, "didDocument": {...}, "credentials": [{...}]}
// stdout: [{"verified": true|false, "error": "..."}] in the same order.
//
// The document loader is frozen: the contexts given on stdin (the same files the issuer
// bundles), the Multikey context from its npm package, and the DID document and its
// verification methods. Any other URL throws; nothing is fetched.
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';

import jsigs from 'jsonld-signatures';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';

const require = createRequire(import.meta.url);
const multikeyContext = require('@digitalbazaar/multikey-context');
const {purposes: {AssertionProofPurpose}} = jsigs;

const input = JSON.parse(readFileSync(0, 'utf8'));
const documents = new Map(Object.entries(input.contexts));
documents.set(multikeyContext.constants.CONTEXT_URL, multikeyContext.CONTEXT);
const did = input.didDocument;
documents.set(did.id, did);
for(const method of did.verificationMethod) {
  documents.set(method.id, {'@context': did['@context'], ...method});
}

const loaded = [];
async function documentLoader(url) {
  if(!documents.has(url)) {
    throw new Error(`frozen document loader: ${url} is not available offline`);
  }
  loaded.push(url);
  return {contextUrl: null, documentUrl: url, document: structuredClone(documents.get(url))};
}

const results = [];
for(const credential of input.credentials) {
  const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
  try {
    const result = await jsigs.verify(credential, {
      suite,
      purpose: new AssertionProofPurpose(),
      documentLoader
    });
    const error = result.verified ? null : String(
      result.error?.errors?.[0]?.message ?? result.error?.message ?? result.error);
    results.push({verified: result.verified, error});
  } catch(e) {
    results.push({verified: false, error: String(e?.message ?? e)});
  }
}
process.stdout.write(JSON.stringify({results, loaded: [...new Set(loaded)].sort()}));
