// SPDX-License-Identifier: GPL-2.0-or-later
// Word (DOCX: Office Open XML) and OpenDocument text (ODT): zip archives of XML, read with
// libzip and libxml2: the body's paragraphs and the core or meta properties.

#include <string>
#include <vector>

#include "folio/error.hpp"
#include "read/container.hpp"
#include "read/parse_util.hpp"
#include "read/xml.hpp"

namespace folio {

using namespace detail;

namespace {

constexpr std::string_view kWord = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
constexpr std::string_view kCoreProperties =
    "http://schemas.openxmlformats.org/package/2006/metadata/core-properties";
constexpr std::string_view kDcTerms = "http://purl.org/dc/terms/";
constexpr std::string_view kOdfText = "urn:oasis:names:tc:opendocument:xmlns:text:1.0";
constexpr std::string_view kOdfOffice = "urn:oasis:names:tc:opendocument:xmlns:office:1.0";
constexpr std::string_view kOdfMeta = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0";
constexpr std::string_view kOdtMimetype = "application/vnd.oasis.opendocument.text";

// What an element of the body is to the text.
enum class Role { paragraph, text, space, newline, skip, other };

// Paragraphs of a document body: text is gathered inside "text" elements (w:t), or anywhere in a
// paragraph when `text_in_paragraphs` (ODF); each paragraph ends with a paragraph break.
class Paragraphs {
  public:
    Paragraphs(Role (*role)(const xmlNode*), bool text_in_paragraphs)
        : role_(role), text_in_paragraphs_(text_in_paragraphs) {}

    // libxml2 holds the depth to kMaxXmlDepth, which bounds the recursion.
    void add(const xmlNode* node, bool in_text) {
        for (const xmlNode* n = node->children; n != nullptr; n = n->next) {
            if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
                if (in_text && n->content != nullptr)
                    current_ += reinterpret_cast<const char*>(n->content);
                continue;
            }
            if (n->type != XML_ELEMENT_NODE)
                continue;
            switch (role_(n)) {
                case Role::paragraph:
                    flush();
                    add(n, text_in_paragraphs_);
                    flush();
                    break;
                case Role::text:
                    add(n, true);
                    break;
                case Role::space: {
                    // ODF's <text:s text:c="N"/> stands for N spaces; one is enough for search.
                    current_ += ' ';
                    break;
                }
                case Role::newline:
                    current_ += '\n';
                    break;
                case Role::skip:
                    break;
                case Role::other:
                    add(n, in_text);
                    break;
            }
        }
    }

    std::string body() {
        flush();
        return join_body(lines_);
    }

  private:
    void flush() {
        std::string paragraph = trim_lines(current_);
        current_.clear();
        if (paragraph.empty())
            return;
        lines_.push_back(std::move(paragraph));
        lines_.emplace_back();
    }

    static std::string trim_lines(const std::string& text) {
        std::string out;
        for (std::string_view line : split_lines(text)) {
            std::string l = collapse_spaces(line);
            if (l.empty())
                continue;
            if (!out.empty())
                out += '\n';
            out += l;
        }
        return out;
    }

    Role (*role_)(const xmlNode*);
    bool text_in_paragraphs_;
    std::string current_;
    std::vector<std::string> lines_;
};

Role word_role(const xmlNode* n) {
    if (n->ns == nullptr || reinterpret_cast<const char*>(n->ns->href) != kWord)
        return Role::other;
    const std::string_view name = local_name(n);
    if (name == "p")
        return Role::paragraph;
    if (name == "t")
        return Role::text;
    if (name == "tab")
        return Role::space;
    if (name == "br" || name == "cr")
        return Role::newline;
    // Deleted text, field instructions: not the document's text.
    if (name == "delText" || name == "instrText")
        return Role::skip;
    return Role::other;
}

Role odf_role(const xmlNode* n) {
    if (n->ns == nullptr)
        return Role::other;
    const std::string_view ns = reinterpret_cast<const char*>(n->ns->href);
    const std::string_view name = local_name(n);
    if (ns == kOdfOffice && name == "annotation")
        return Role::skip;
    if (ns != kOdfText)
        return Role::other;
    if (name == "p" || name == "h")
        return Role::paragraph;
    if (name == "s" || name == "tab")
        return Role::space;
    if (name == "line-break")
        return Role::newline;
    if (name == "tracked-changes")
        return Role::skip;
    return Role::other;
}

std::string element_text(const xmlNode* root, std::string_view ns, std::string_view name) {
    const xmlNode* node = find_element(root, ns, name);
    return node != nullptr ? collapse_spaces(text_of(node)) : std::string();
}

// "2022-02-18T10:00:00Z" and the like: the day.
std::string day_of(const std::string& timestamp) {
    if (timestamp.empty())
        return {};
    if (std::optional<std::string> date = normalize_date(timestamp.substr(0, 10)))
        return *date;
    return {};
}

void open_zip_document(std::string_view bytes, const FileInfo& info, std::string_view kind) {
    if (bytes.substr(0, 4) != std::string_view("PK\x03\x04", 4))
        throw InputError(info.path, 0,
                         "not " + std::string(kind) + " file (not a zip archive): not read");
}

void finish(Article& article) {
    if (article.title.empty())
        article.title = title_from_first_line(article.body);
}

}  // namespace

Article parse_docx(std::string_view bytes, const FileInfo& info, std::uint64_t max_expanded) {
    open_zip_document(bytes, info, "a DOCX");
    try {
        ZipArchive zip(bytes, max_expanded);
        if (!zip.has("word/document.xml"))
            throw std::runtime_error(
                "not a DOCX file (a zip archive without word/document.xml): not read");
        Article article = new_article(info);
        {
            const XmlDoc doc = parse_xml(zip.read("word/document.xml"), "word/document.xml");
            Paragraphs paragraphs(word_role, false);
            paragraphs.add(xmlDocGetRootElement(doc.get()), false);
            article.body = paragraphs.body();
        }
        if (zip.has("docProps/core.xml")) {
            const XmlDoc doc = parse_xml(zip.read("docProps/core.xml"), "docProps/core.xml");
            const xmlNode* root = xmlDocGetRootElement(doc.get());
            article.title = element_text(root, kDublinCore, "title");
            DistinctList authors(article.authors);
            authors.add_comma_separated(element_text(root, kDublinCore, "creator"));
            article.date = day_of(element_text(root, kDcTerms, "created"));
            article.description = element_text(root, kDublinCore, "description");
            if (article.description.empty())
                article.description = element_text(root, kDublinCore, "subject");
            DistinctList(article.tags)
                .add_comma_separated(element_text(root, kCoreProperties, "keywords"));
            article.language = language_or_tag(element_text(root, kDublinCore, "language"));
        }
        finish(article);
        return article;
    } catch (const InputError&) {
        throw;
    } catch (const std::runtime_error& e) {
        throw InputError(info.path, 0, e.what());
    }
}

Article parse_odt(std::string_view bytes, const FileInfo& info, std::uint64_t max_expanded) {
    open_zip_document(bytes, info, "an ODT");
    try {
        ZipArchive zip(bytes, max_expanded);
        if (zip.first_name() != "mimetype" || zip.read("mimetype") != kOdtMimetype)
            throw std::runtime_error("not an ODT file (its mimetype entry is not " +
                                     std::string(kOdtMimetype) + "): not read");
        Article article = new_article(info);
        {
            const XmlDoc doc = parse_xml(zip.read("content.xml"), "content.xml");
            const xmlNode* body = find_element(xmlDocGetRootElement(doc.get()), kOdfOffice, "body");
            if (body != nullptr) {
                Paragraphs paragraphs(odf_role, true);
                paragraphs.add(body, false);
                article.body = paragraphs.body();
            }
        }
        if (zip.has("meta.xml")) {
            const XmlDoc doc = parse_xml(zip.read("meta.xml"), "meta.xml");
            const xmlNode* root = xmlDocGetRootElement(doc.get());
            article.title = element_text(root, kDublinCore, "title");
            DistinctList authors(article.authors);
            authors.add(element_text(root, kOdfMeta, "initial-creator"));
            if (article.authors.empty())
                authors.add(element_text(root, kDublinCore, "creator"));
            article.date = day_of(element_text(root, kOdfMeta, "creation-date"));
            if (article.date.empty())
                article.date = day_of(element_text(root, kDublinCore, "date"));
            article.description = element_text(root, kDublinCore, "description");
            if (article.description.empty())
                article.description = element_text(root, kDublinCore, "subject");
            DistinctList tags(article.tags);
            for_each_element(root, kOdfMeta, "keyword",
                             [&](const xmlNode* n) { tags.add(text_of(n)); });
            article.language = language_or_tag(element_text(root, kDublinCore, "language"));
        }
        finish(article);
        return article;
    } catch (const InputError&) {
        throw;
    } catch (const std::runtime_error& e) {
        throw InputError(info.path, 0, e.what());
    }
}

}  // namespace folio
