# The supply-chain step of `.ci/run` (issue 17; CRA Annex I Part II (1)).
# For the lead to paste into `.ci/run` before the interop step; it uses
# `step` and `$ROOT` from there. Measured on a 2-core machine shared with
# other builds (2026-12-02): installing cargo-deny 0.20.2 took 5 min 49 s
# and cargo-cyclonedx 0.5.9 4 min 42 s, once per machine; with both
# installed the step itself takes about 2 s (SBOMs 0.5 s, cargo deny 1.3 s).
# Both run offline: cargo-cyclonedx reads `cargo metadata`, cargo-deny
# reads Cargo.lock and the local registry cache. `cargo deny check
# advisories` needs the RustSec database from GitHub, which this machine
# cannot reach: it is configured in deny.toml but not run here.

step "supply chain: CycloneDX SBOM per published crate, cargo deny licenses bans sources"
command -v cargo-cyclonedx >/dev/null || cargo install cargo-cyclonedx --locked
command -v cargo-deny >/dev/null || cargo install cargo-deny --locked
SBOM_DIR="$ROOT/target/sbom"
rm -rf "$SBOM_DIR" && mkdir -p "$SBOM_DIR"
# cargo-cyclonedx writes NAME.cdx.json beside every member's Cargo.toml;
# keep those of the published crates (no `publish = false`) as the artefact.
cargo cyclonedx --format json --spec-version 1.5 --all-features
for manifest in */Cargo.toml; do
    dir=$(dirname "$manifest")
    for sbom in "$dir"/*.cdx.json; do
        [ -e "$sbom" ] || continue
        if grep -q '^publish = false' "$manifest"; then rm "$sbom"; else mv "$sbom" "$SBOM_DIR/"; fi
    done
done
ls "$SBOM_DIR"
[ "$(ls "$SBOM_DIR" | wc -l)" -eq "$(grep -L '^publish = false' */Cargo.toml | wc -l)" ]
cargo deny --locked check licenses bans sources
