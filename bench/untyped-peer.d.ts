// A bench peer (bench/package.json) when the bench package is not installed: tsconfig.json's `paths`
// map each peer to bench/node_modules first and to this file when it is missing, so the root
// typecheck passes without the peers (their exports typed `any`) and uses their own types once
// `npm run bench` has installed them.
declare const peer: any; // eslint-disable-line @typescript-eslint/no-explicit-any
export = peer;
