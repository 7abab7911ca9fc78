// SPDX-License-Identifier: GPL-2.0-or-later
// read/xml.hpp: XML for the document readers, parsed by libxml2 without network, DTD loading or
// entity expansion, and the few walks over its tree they need. Private to read/.
#pragma once

#include <libxml/tree.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace folio::detail {

struct XmlDocDeleter {
    void operator()(xmlDoc* doc) const noexcept;
};
using XmlDoc = std::unique_ptr<xmlDoc, XmlDocDeleter>;

/// Parses `xml` (`what` names it in messages: "word/document.xml") with no network access, no
/// external DTD or entity loaded, no entity substituted and libxml2's default limits (depth
/// kMaxXmlDepth, no XML_PARSE_HUGE). Throws std::runtime_error naming `what` and libxml2's
/// reason. Thread-safe (each call has its own parser context).
XmlDoc parse_xml(std::string_view xml, const std::string& what);

/// The element's local name, or "" for another kind of node.
std::string_view local_name(const xmlNode* node);
/// Whether `node` is an element named `name` in namespace `ns` ("" for none).
bool is_element(const xmlNode* node, std::string_view ns, std::string_view name);
/// The text of `node` and its descendants, concatenated.
std::string text_of(const xmlNode* node);
/// The value of the attribute `name` (any namespace), or "".
std::string attribute(const xmlNode* node, std::string_view name);
/// The first element under `root` (itself included, document order) that is `ns`:`name`, or
/// nullptr.
const xmlNode* find_element(const xmlNode* root, std::string_view ns, std::string_view name);
/// Calls `visit` for each element under `root` that is `ns`:`name`, in document order.
void for_each_element(const xmlNode* root, std::string_view ns, std::string_view name,
                      const std::function<void(const xmlNode*)>& visit);

inline constexpr std::string_view kDublinCore = "http://purl.org/dc/elements/1.1/";

}  // namespace folio::detail
