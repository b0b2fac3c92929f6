"""whitenoise's CompressedManifestStaticFilesStorage without source-map rewriting.

The vendored Bootstrap and Chart.js files end in `sourceMappingURL=*.map` comments but the
.map files are not vendored, so the production storage's post-processing fails
(MissingFileError) and `collectstatic` stops. Until static/vendor is fixed in the app
(vendor the maps or strip the comments), the benchmark uses this storage: same hashing,
compression and caching headers, minus the source-map references.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


def _without_source_maps(patterns):  # type: ignore[no-untyped-def]
    out = []
    for ext, rules in patterns:
        kept = tuple(
            r for r in rules if "sourceMappingURL" not in (r if isinstance(r, str) else r[0])
        )
        out.append((ext, kept))
    return tuple(out)


class BenchStaticStorage(CompressedManifestStaticFilesStorage):
    patterns = _without_source_maps(CompressedManifestStaticFilesStorage.patterns)
