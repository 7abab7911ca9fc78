// SPDX-License-Identifier: GPL-2.0-or-later
// Zip archives (libzip, read/container.hpp) and XML (libxml2, read/xml.hpp) for the document
// readers, within bounds.

#include "read/container.hpp"

#include "read/xml.hpp"

#include <libxml/parser.h>
#include <zip.h>

#include <mutex>
#include <stdexcept>
#include <vector>

namespace folio::detail {

namespace {

std::string zip_reason(zip_error_t* error) {
    std::string reason = zip_error_strerror(error);
    zip_error_fini(error);
    return reason;
}

}  // namespace

ZipArchive::ZipArchive(std::string_view bytes, std::uint64_t max_expanded)
    : budget_(max_expanded != 0 ? max_expanded : kMaxExpandedBytes) {
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
    if (source == nullptr)
        throw std::runtime_error("cannot read the zip archive: " + zip_reason(&error));
    zip_ = zip_open_from_source(source, ZIP_RDONLY, &error);
    if (zip_ == nullptr) {
        zip_source_free(source);
        throw std::runtime_error("broken or truncated zip archive (" + zip_reason(&error) + ")");
    }
    zip_error_fini(&error);
    const zip_int64_t entries = zip_get_num_entries(zip_, 0);
    if (entries < 0 || static_cast<std::uint64_t>(entries) > kMaxZipEntries) {
        zip_discard(zip_);
        throw std::runtime_error("zip archive has " + std::to_string(entries) +
                                 " entries, more than the limit of " +
                                 std::to_string(kMaxZipEntries) + ": not read");
    }
}

ZipArchive::~ZipArchive() {
    zip_discard(zip_);
}

bool ZipArchive::has(const std::string& name) const {
    return zip_name_locate(zip_, name.c_str(), 0) >= 0;
}

std::string ZipArchive::first_name() const {
    const char* name = zip_get_num_entries(zip_, 0) > 0 ? zip_get_name(zip_, 0, 0) : nullptr;
    return name != nullptr ? name : "";
}

std::string ZipArchive::read(const std::string& name) {
    const zip_int64_t index = zip_name_locate(zip_, name.c_str(), 0);
    if (index < 0)
        throw std::runtime_error("zip archive has no entry '" + name + "'");
    const std::string too_large = "zip entries expand past the --max-file-size limit (" +
                                  std::to_string(budget_) + " bytes left at '" + name +
                                  "'): a decompression bomb? not read";
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(zip_, static_cast<zip_uint64_t>(index), 0, &st) == 0 &&
        (st.valid & ZIP_STAT_SIZE) != 0 && st.size > budget_)
        throw std::runtime_error(too_large);
    zip_file_t* file = zip_fopen_index(zip_, static_cast<zip_uint64_t>(index), 0);
    if (file == nullptr)
        throw std::runtime_error("cannot open zip entry '" + name + "': " + zip_strerror(zip_));
    std::string out;
    std::vector<char> buffer(64 << 10);
    for (;;) {
        const zip_int64_t got = zip_fread(file, buffer.data(), buffer.size());
        if (got < 0) {
            std::string reason = zip_error_strerror(zip_file_get_error(file));
            zip_fclose(file);
            throw std::runtime_error("damaged zip entry '" + name + "' (" + reason + ")");
        }
        if (got == 0)
            break;
        if (static_cast<std::uint64_t>(got) > budget_) {
            zip_fclose(file);
            throw std::runtime_error(too_large);
        }
        budget_ -= static_cast<std::uint64_t>(got);
        out.append(buffer.data(), static_cast<std::size_t>(got));
    }
    zip_fclose(file);
    return out;
}

void XmlDocDeleter::operator()(xmlDoc* doc) const noexcept {
    xmlFreeDoc(doc);
}

XmlDoc parse_xml(std::string_view xml, const std::string& what) {
    // libxml2 sets up its global tables once, before any thread parses.
    static std::once_flag init;
    std::call_once(init, [] { xmlInitParser(); });
    if (xml.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
        throw std::runtime_error(what + ": XML too large");
    xmlParserCtxtPtr context = xmlNewParserCtxt();
    if (context == nullptr)
        throw std::bad_alloc();
    // No XML_PARSE_NOENT (entities stay references: no expansion), no XML_PARSE_DTDLOAD (no
    // external subset: no XXE), XML_PARSE_NONET, no XML_PARSE_HUGE (depth and size limits kept).
    XmlDoc doc(xmlCtxtReadMemory(context, xml.data(), static_cast<int>(xml.size()), what.c_str(),
                                 nullptr,
                                 XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING));
    if (!doc || xmlDocGetRootElement(doc.get()) == nullptr) {
        std::string reason = "not well-formed";
        if (const xmlError* error = xmlCtxtGetLastError(context);
            error != nullptr && error->message != nullptr) {
            reason = error->message;
            while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' '))
                reason.pop_back();
            reason += " (line " + std::to_string(error->line) + ")";
        }
        xmlFreeParserCtxt(context);
        throw std::runtime_error("bad XML in " + what + ": " + reason);
    }
    xmlFreeParserCtxt(context);
    return doc;
}

std::string_view local_name(const xmlNode* node) {
    if (node == nullptr || node->type != XML_ELEMENT_NODE || node->name == nullptr)
        return {};
    return reinterpret_cast<const char*>(node->name);
}

bool is_element(const xmlNode* node, std::string_view ns, std::string_view name) {
    if (local_name(node) != name)
        return false;
    const std::string_view href =
        node->ns != nullptr && node->ns->href != nullptr
            ? std::string_view(reinterpret_cast<const char*>(node->ns->href))
            : std::string_view();
    return href == ns;
}

namespace {

// Visits `root` and its descendants in document order, without recursion; `visit` returns
// false to skip a node's children.
template <typename Visit>
void walk(const xmlNode* root, Visit&& visit) {
    const xmlNode* node = root;
    while (node != nullptr) {
        if (visit(node) && node->children != nullptr && node->type == XML_ELEMENT_NODE) {
            node = node->children;
            continue;
        }
        while (node != nullptr && node != root && node->next == nullptr)
            node = node->parent;
        if (node == nullptr || node == root)
            break;
        node = node->next;
    }
}

}  // namespace

std::string text_of(const xmlNode* node) {
    std::string out;
    // Text and CDATA only: an entity reference is not expanded (no entity bombs).
    walk(node, [&](const xmlNode* n) {
        if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) &&
            n->content != nullptr)
            out += reinterpret_cast<const char*>(n->content);
        return true;
    });
    return out;
}

std::string attribute(const xmlNode* node, std::string_view name) {
    for (const xmlAttr* a = node->properties; a != nullptr; a = a->next) {
        if (a->name != nullptr && reinterpret_cast<const char*>(a->name) == name) {
            std::string value;
            for (const xmlNode* c = a->children; c != nullptr; c = c->next)
                if (c->type == XML_TEXT_NODE && c->content != nullptr)
                    value += reinterpret_cast<const char*>(c->content);
            return value;
        }
    }
    return {};
}

const xmlNode* find_element(const xmlNode* root, std::string_view ns, std::string_view name) {
    const xmlNode* found = nullptr;
    walk(root, [&](const xmlNode* n) {
        if (found == nullptr && is_element(n, ns, name))
            found = n;
        return found == nullptr;
    });
    return found;
}

void for_each_element(const xmlNode* root, std::string_view ns, std::string_view name,
                      const std::function<void(const xmlNode*)>& visit) {
    walk(root, [&](const xmlNode* n) {
        if (is_element(n, ns, name))
            visit(n);
        return true;
    });
}

}  // namespace folio::detail
