// SPDX-License-Identifier: GPL-2.0-or-later
// EPUB: a zip archive of XHTML chapters with an OPF package document; the chapters are read in
// spine order by the HTML reader, the metadata comes from the OPF.

#include <string>
#include <unordered_map>
#include <vector>

#include "folio/error.hpp"
#include "read/container.hpp"
#include "read/parse_util.hpp"
#include "read/xml.hpp"

namespace folio {

using namespace detail;

namespace {

constexpr std::string_view kContainer = "urn:oasis:names:tc:opendocument:xmlns:container";
constexpr std::string_view kOpf = "http://www.idpf.org/2007/opf";
constexpr std::string_view kEpubMimetype = "application/epub+zip";

int hex_digit(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// An href of the OPF (relative to the OPF's folder, percent-encoded, maybe with a fragment) as
// the name of a zip entry; "" when it climbs out of the archive.
std::string entry_name(const std::string& base, std::string_view href) {
    href = href.substr(0, href.find('#'));
    std::string decoded;
    for (std::size_t i = 0; i < href.size(); ++i) {
        if (href[i] == '%' && i + 2 < href.size() && hex_digit(href[i + 1]) >= 0 &&
            hex_digit(href[i + 2]) >= 0) {
            decoded += static_cast<char>(hex_digit(href[i + 1]) * 16 + hex_digit(href[i + 2]));
            i += 2;
        } else {
            decoded += href[i];
        }
    }
    std::vector<std::string> parts;
    std::string_view path = decoded;
    std::string joined = decoded.starts_with('/') ? decoded.substr(1) : base + decoded;
    path = joined;
    while (!path.empty()) {
        const std::size_t slash = path.find('/');
        const std::string_view part = path.substr(0, slash);
        if (part == "..") {
            if (parts.empty())
                return {};
            parts.pop_back();
        } else if (!part.empty() && part != ".") {
            parts.emplace_back(part);
        }
        path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
    }
    std::string name;
    for (const std::string& part : parts)
        name += (name.empty() ? "" : "/") + part;
    return name;
}

std::string element_text(const xmlNode* root, std::string_view ns, std::string_view name) {
    const xmlNode* node = find_element(root, ns, name);
    return node != nullptr ? collapse_spaces(text_of(node)) : std::string();
}

// The OPF's metadata into `article`.
void read_metadata(const xmlNode* package, Article& article) {
    const xmlNode* metadata = find_element(package, kOpf, "metadata");
    if (metadata == nullptr)
        return;
    article.title = element_text(metadata, kDublinCore, "title");
    DistinctList authors(article.authors);
    for_each_element(metadata, kDublinCore, "creator",
                     [&](const xmlNode* n) { authors.add(text_of(n)); });
    const std::string date = element_text(metadata, kDublinCore, "date");
    if (std::optional<std::string> day = normalize_date(date.substr(0, 10)))
        article.date = *day;
    article.language = language_or_tag(element_text(metadata, kDublinCore, "language"));
    article.description = element_text(metadata, kDublinCore, "description");
    DistinctList tags(article.tags);
    for_each_element(metadata, kDublinCore, "subject",
                     [&](const xmlNode* n) { tags.add(text_of(n)); });
}

// The chapters' entry names in spine order.
std::vector<std::string> spine(const xmlNode* package, const std::string& base) {
    std::unordered_map<std::string, std::string> manifest;
    for_each_element(package, kOpf, "item", [&](const xmlNode* n) {
        manifest.emplace(attribute(n, "id"), attribute(n, "href"));
    });
    std::vector<std::string> chapters;
    for_each_element(package, kOpf, "itemref", [&](const xmlNode* n) {
        const auto item = manifest.find(attribute(n, "idref"));
        if (item == manifest.end())
            return;
        std::string name = entry_name(base, item->second);
        if (!name.empty())
            chapters.push_back(std::move(name));
    });
    return chapters;
}

}  // namespace

Article parse_epub(std::string_view bytes, const FileInfo& info, std::uint64_t max_expanded,
                   std::size_t* dropped_tags) {
    if (bytes.substr(0, 4) != std::string_view("PK\x03\x04", 4))
        throw InputError(info.path, 0, "not an EPUB file (not a zip archive): not read");
    try {
        ZipArchive zip(bytes, max_expanded);
        if (!zip.has("mimetype") ||
            zip.read("mimetype").substr(0, kEpubMimetype.size()) != kEpubMimetype)
            throw std::runtime_error("not an EPUB file (its mimetype entry is not " +
                                     std::string(kEpubMimetype) + "): not read");
        std::string opf_name;
        {
            const XmlDoc container =
                parse_xml(zip.read("META-INF/container.xml"), "META-INF/container.xml");
            const xmlNode* rootfile =
                find_element(xmlDocGetRootElement(container.get()), kContainer, "rootfile");
            if (rootfile != nullptr)
                opf_name = entry_name("", attribute(rootfile, "full-path"));
            if (opf_name.empty())
                throw std::runtime_error("EPUB without a package document (OPF): not read");
        }
        const std::string base = opf_name.find('/') == std::string::npos
                                     ? ""
                                     : opf_name.substr(0, opf_name.rfind('/') + 1);
        Article article = new_article(info);
        std::vector<std::string> chapters;
        {
            const XmlDoc opf = parse_xml(zip.read(opf_name), opf_name);
            const xmlNode* package = xmlDocGetRootElement(opf.get());
            read_metadata(package, article);
            chapters = spine(package, base);
        }
        std::string first_title;
        for (const std::string& name : chapters) {
            if (!zip.has(name))
                continue;
            const std::string html = to_utf8(zip.read(name));
            FileInfo chapter = info;
            chapter.path = info.path + ":" + name;
            Article part;
            try {
                part = parse_html(html, chapter, dropped_tags);
            } catch (const InputError&) {
                continue;  // a chapter with no text (a cover image)
            }
            if (first_title.empty())
                first_title = part.title;
            if (!is_blank(part.body)) {
                if (!article.body.empty())
                    article.body += "\n\n";
                article.body += part.body;
            }
        }
        if (article.title.empty())
            article.title =
                !first_title.empty() ? first_title : title_from_first_line(article.body);
        return article;
    } catch (const InputError&) {
        throw;
    } catch (const std::runtime_error& e) {
        throw InputError(info.path, 0, e.what());
    }
}

}  // namespace folio
