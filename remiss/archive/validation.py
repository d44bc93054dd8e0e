"""Checking a package before it leaves: the XML against the published schemas shipped in
schemas/ (lxml, no network), and every file against METS.

The schemas' own imports name their home addresses (www.loc.gov); a resolver
answers them from schemas/ so that validation never reaches out.
"""

import hashlib
from functools import cache

from lxml import etree

from remiss.archive.fgs import CSIP_NS, ERMS_PATH, METS_NS, SCHEMAS, XLINK_NS

# Where the schemas import each other from, and the file here that answers.
_KNOWN = {
    "http://www.loc.gov/standards/xlink/xlink.xsd": "xlink.xsd",
}


class _LocalSchemas(etree.Resolver):
    def resolve(self, url, public_id, context):
        name = _KNOWN.get(url)
        if name is not None:
            return self.resolve_filename(str(SCHEMAS / name), context)
        return None


def _parser() -> etree.XMLParser:
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(_LocalSchemas())
    return parser


@cache
def mets_schema() -> etree.XMLSchema:
    """METS 1.12 with the DILCIS (CSIP) extension attributes, so that csip:* is checked too."""
    wrapper = f"""<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
        targetNamespace="urn:remissportalen:mets-csip" elementFormDefault="qualified">
      <xs:import namespace="{METS_NS}" schemaLocation="mets.xsd"/>
      <xs:import namespace="{CSIP_NS}" schemaLocation="DILCISExtensionMETS.xsd"/>
    </xs:schema>""".encode()
    document = etree.fromstring(wrapper, _parser(), base_url=str(SCHEMAS / "wrapper.xsd"))
    return etree.XMLSchema(document)


@cache
def erms_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "ERMS.xsd"), _parser()))


def _schema_errors(schema: etree.XMLSchema, content: bytes, what: str) -> list[str]:
    document = etree.fromstring(content, etree.XMLParser(no_network=True, resolve_entities=False))
    if schema.validate(document):
        return []
    return [f"{what}, rad {error.line}: {error.message}" for error in schema.error_log]


def problems(files: dict[str, bytes]) -> list[str]:
    """Everything wrong with the package (empty when it is sound): schema errors, and files
    missing, unlisted, or not matching METS in size or SHA-256."""
    if "METS.xml" not in files:
        return ["METS.xml saknas i paketets rot."]
    found = _schema_errors(mets_schema(), files["METS.xml"], "METS.xml")
    if ERMS_PATH in files:
        found += _schema_errors(erms_schema(), files[ERMS_PATH], ERMS_PATH)
    else:
        found.append(f"{ERMS_PATH} saknas.")
    mets = etree.fromstring(files["METS.xml"])
    listed = set()
    href = f"{{{XLINK_NS}}}href"
    entries = [
        (element.get("SIZE"), element.get("CHECKSUM"), element.get("CHECKSUMTYPE"), location)
        for element, location in [
            (file, file.find(f"{{{METS_NS}}}FLocat").get(href))
            for file in mets.iter(f"{{{METS_NS}}}file")
        ]
        + [(ref, ref.get(href)) for ref in mets.iter(f"{{{METS_NS}}}mdRef")]
    ]
    for size, checksum, checksum_type, path in entries:
        listed.add(path)
        if path not in files:
            found.append(f"{path} finns i METS men inte i paketet.")
            continue
        if checksum_type != "SHA-256":
            found.append(f"{path}: kontrollsumman är inte SHA-256.")
        if hashlib.sha256(files[path]).hexdigest() != checksum:
            found.append(f"{path}: SHA-256 stämmer inte med METS.")
        if str(len(files[path])) != size:
            found.append(f"{path}: storleken stämmer inte med METS.")
    for path in sorted(set(files) - listed - {"METS.xml"}):
        found.append(f"{path} finns i paketet men inte i METS.")
    return found
