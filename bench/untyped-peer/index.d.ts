// A bench peer (bench/package.json) when the bench package is not installed: tsconfig.json's `paths`
// map each peer to bench/node_modules first and to this folder when it is missing, so the root
// typecheck passes without the peers (their exports typed `any`) and uses their own types once
// `npm run bench` has installed them. Types only: at run time nothing resolves here (no main), and
// the import fails as "not installed".
declare const peer: any; // eslint-disable-line @typescript-eslint/no-explicit-any
export = peer;
