// SPDX-License-Identifier: GPL-2.0-or-later
// The HTML reader: Gumbo's tree walked without recursion for the visible text and what the
// head says (title, authors, tags, date, language, canonical address); deep nesting flattened
// first.

#include <gumbo.h>

#include <memory>
#include <string>
#include <vector>

#include "folio/error.hpp"
#include "read/parse_util.hpp"

namespace folio {

using namespace detail;

namespace {

// HTML

// Accumulates visible text: whitespace collapsed, blocks separated by blank lines.
class TextBuilder {
  public:
    void text(std::string_view s) {
        for (std::size_t i = 0; i < s.size(); ++i) {
            const char c = s[i];
            if (is_space(c)) {
                space_ = true;
            } else if (c == '\xC2' && i + 1 < s.size() && s[i + 1] == '\xA0') {
                space_ = true;  // a no-break space separates words like any other
                ++i;
            } else {
                flush();
                out_ += c;
            }
        }
    }

    // Preformatted text: kept as it is.
    void verbatim(std::string_view s) {
        if (s.empty())
            return;
        flush();
        out_ += s;
    }

    void line_break(int newlines) {
        if (!out_.empty())
            breaks_ = std::max(breaks_, newlines);
    }

    void space() { space_ = true; }

    std::string finish() {
        while (!out_.empty() && is_space(out_.back()))
            out_.pop_back();
        return std::move(out_);
    }

  private:
    void flush() {
        if (breaks_ > 0) {
            while (!out_.empty() && (out_.back() == ' ' || out_.back() == '\t'))
                out_.pop_back();
            int have = 0;
            for (auto it = out_.rbegin(); it != out_.rend() && *it == '\n'; ++it)
                ++have;
            for (; have < breaks_; ++have)
                out_ += '\n';
        } else if (space_ && !out_.empty() && out_.back() != '\n') {
            out_ += ' ';
        }
        breaks_ = 0;
        space_ = false;
    }

    std::string out_;
    int breaks_ = 0;
    bool space_ = false;
};

bool is_hidden_tag(GumboTag tag) {
    switch (tag) {
        case GUMBO_TAG_SCRIPT:
        case GUMBO_TAG_STYLE:
        case GUMBO_TAG_NOSCRIPT:
        case GUMBO_TAG_TEMPLATE:
        case GUMBO_TAG_HEAD:
        case GUMBO_TAG_SVG:
        case GUMBO_TAG_CANVAS:
        case GUMBO_TAG_IFRAME:
        case GUMBO_TAG_OBJECT:
        case GUMBO_TAG_AUDIO:
        case GUMBO_TAG_VIDEO:
            return true;
        default:
            return false;
    }
}

bool is_block_tag(GumboTag tag) {
    switch (tag) {
        case GUMBO_TAG_ADDRESS:
        case GUMBO_TAG_ARTICLE:
        case GUMBO_TAG_ASIDE:
        case GUMBO_TAG_BLOCKQUOTE:
        case GUMBO_TAG_BODY:
        case GUMBO_TAG_CAPTION:
        case GUMBO_TAG_CENTER:
        case GUMBO_TAG_DD:
        case GUMBO_TAG_DETAILS:
        case GUMBO_TAG_DIR:
        case GUMBO_TAG_DIV:
        case GUMBO_TAG_DL:
        case GUMBO_TAG_DT:
        case GUMBO_TAG_FIELDSET:
        case GUMBO_TAG_FIGCAPTION:
        case GUMBO_TAG_FIGURE:
        case GUMBO_TAG_FOOTER:
        case GUMBO_TAG_FORM:
        case GUMBO_TAG_H1:
        case GUMBO_TAG_H2:
        case GUMBO_TAG_H3:
        case GUMBO_TAG_H4:
        case GUMBO_TAG_H5:
        case GUMBO_TAG_H6:
        case GUMBO_TAG_HEADER:
        case GUMBO_TAG_HGROUP:
        case GUMBO_TAG_HR:
        case GUMBO_TAG_LEGEND:
        case GUMBO_TAG_LI:
        case GUMBO_TAG_LISTING:
        case GUMBO_TAG_MAIN:
        case GUMBO_TAG_MENU:
        case GUMBO_TAG_NAV:
        case GUMBO_TAG_OL:
        case GUMBO_TAG_P:
        case GUMBO_TAG_PRE:
        case GUMBO_TAG_SECTION:
        case GUMBO_TAG_SUMMARY:
        case GUMBO_TAG_TABLE:
        case GUMBO_TAG_TR:
        case GUMBO_TAG_UL:
            return true;
        default:
            return false;
    }
}

std::string_view attribute(const GumboElement& element, const char* name) {
    const GumboAttribute* attr = gumbo_get_attribute(&element.attributes, name);
    return attr == nullptr ? std::string_view() : std::string_view(attr->value);
}

/// An element whose text a browser never shows: script, style and the like, a template, and
/// one marked `hidden` (but for hidden="until-found", which find-in-page reveals).
bool hides_text(const GumboNode* node) {
    if (node->type == GUMBO_NODE_TEMPLATE || is_hidden_tag(node->v.element.tag))
        return true;
    const GumboAttribute* hidden = gumbo_get_attribute(&node->v.element.attributes, "hidden");
    return hidden != nullptr && !iequals(trim(hidden->value), "until-found");
}

// What the <head> (and <html>) say about the page.
struct HtmlMeta {
    std::string title;
    std::string h1;
    std::string og_title;
    std::vector<std::string> authors;
    std::string date;
    std::string description;
    std::string og_description;
    std::vector<std::string> tags;
    std::string canonical;
    std::string og_url;
    std::string lang;
    std::string meta_lang;
    DistinctList author_list{authors};
    DistinctList tag_list{tags};
};

void read_meta(const GumboElement& element, HtmlMeta& meta) {
    std::string_view key = attribute(element, "name");
    if (key.empty())
        key = attribute(element, "property");
    if (key.empty())
        key = attribute(element, "itemprop");
    if (key.empty())
        key = attribute(element, "http-equiv");
    const std::string name = detail::lower(trim(key));
    const std::string_view content = trim(attribute(element, "content"));
    if (name.empty() || content.empty())
        return;
    if (name == "author" || name == "dc.creator" || name == "article:author") {
        if (content.find("://") == std::string_view::npos)
            meta.author_list.add(content);
    } else if (name == "date" || name == "article:published_time" || name == "dc.date" ||
               name == "dc.date.issued" || name == "pubdate" || name == "publish-date" ||
               name == "datepublished") {
        if (meta.date.empty())
            meta.date = normalize_date(content).value_or("");
    } else if (name == "description") {
        meta.description = collapse_spaces(content);
    } else if (name == "og:description") {
        meta.og_description = collapse_spaces(content);
    } else if (name == "keywords" || name == "news_keywords") {
        meta.tag_list.add_comma_separated(content);
    } else if (name == "article:tag") {
        meta.tag_list.add(content);
    } else if (name == "og:url") {
        meta.og_url = content;
    } else if (name == "og:title") {
        meta.og_title = collapse_spaces(content);
    } else if (name == "content-language" || name == "language" || name == "dc.language") {
        meta.meta_lang = content;
    }
}

void read_link(const GumboElement& element, HtmlMeta& meta) {
    const std::string rel = detail::lower(attribute(element, "rel"));
    const std::string_view href = trim(attribute(element, "href"));
    if (meta.canonical.empty() && !href.empty() &&
        (" " + collapse_spaces(rel) + " ").find(" canonical ") != std::string::npos) {
        meta.canonical = href;
    }
}

/// Elements that never nest: void elements, and those whose end tag is optional (the next one
/// closes them).
bool never_nests(std::string_view tag) {
    static constexpr std::string_view kTags[] = {
        "area",  "base", "br",    "col",    "embed",  "hr",       "img",
        "input", "link", "meta",  "param",  "source", "track",    "wbr",
        "p",     "li",   "dt",    "dd",     "option", "optgroup", "tr",
        "td",    "th",   "tbody", "thead",  "tfoot",  "colgroup", "rb",
        "rt",    "rp",   "rtc",   "keygen", "frame",  "basefont", "bgsound"};
    for (std::string_view t : kTags) {
        if (iequals(t, tag))
            return true;
    }
    return false;
}

/// Elements whose content is text up to their end tag, never tags.
bool is_raw_text(std::string_view tag) {
    for (std::string_view t : {"script", "style", "textarea", "title", "xmp", "iframe", "noembed",
                               "noframes", "noscript", "plaintext"}) {
        if (iequals(t, tag))
            return true;
    }
    return false;
}

/// Where the tag that starts at html[i] ('<') ends (one past its '>'), quoted attribute values
/// skipped; html.size() when it is never closed.
std::size_t tag_end(std::string_view html, std::size_t i) {
    char quote = 0;
    for (std::size_t k = i + 1; k < html.size(); ++k) {
        const char c = html[k];
        if (quote != 0) {
            quote = c == quote ? 0 : quote;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '>') {
            return k + 1;
        }
    }
    return html.size();
}

}  // namespace

std::string declared_charset(std::string_view html) {
    // Browsers look at the first 1 KB before parsing and change their minds when a later
    // <meta> says otherwise; a long <head> is read further here instead.
    html = html.substr(0, 16384);
    const std::string lowered = detail::lower(html);
    auto value_after = [&](std::size_t at) {
        while (at < lowered.size() && (is_space(lowered[at]) || lowered[at] == '=' ||
                                       lowered[at] == '"' || lowered[at] == '\''))
            ++at;
        std::size_t end = at;
        while (end < lowered.size() &&
               (std::isalnum(static_cast<unsigned char>(lowered[end])) || lowered[end] == '-' ||
                lowered[end] == '_' || lowered[end] == '.' || lowered[end] == ':'))
            ++end;
        return lowered.substr(at, end - at);
    };
    if (lowered.starts_with("<?xml")) {
        const std::size_t end = lowered.find("?>");
        const std::size_t at = lowered.find("encoding", 0);
        if (at != std::string::npos && at < end)
            return value_after(at + 8);
    }
    for (std::size_t meta = lowered.find("<meta"); meta != std::string::npos;
         meta = lowered.find("<meta", meta + 5)) {
        const std::size_t end = tag_end(lowered, meta);
        const std::size_t at = lowered.find("charset", meta);
        if (at < end) {
            std::string value = value_after(at + 7);
            if (!value.empty())
                return value;
        }
    }
    return {};
}

std::size_t flatten_html_nesting(std::string_view html, std::size_t max_depth, std::string& out) {
    out.clear();
    out.reserve(html.size());
    std::size_t depth = 0, excess = 0, dropped = 0, copied = 0;
    std::size_t i = 0;
    while ((i = html.find('<', i)) != std::string_view::npos) {
        if (html.substr(i, 4) == "<!--") {
            const std::size_t end = html.find("-->", i + 4);
            i = end == std::string_view::npos ? html.size() : end + 3;
            continue;
        }
        const bool closing = i + 1 < html.size() && html[i + 1] == '/';
        const std::size_t name_at = i + (closing ? 2 : 1);
        if (name_at >= html.size() || !is_alpha(html[name_at])) {
            ++i;
            continue;
        }
        std::size_t name_end = name_at;
        while (name_end < html.size() &&
               (std::isalnum(static_cast<unsigned char>(html[name_end])) || html[name_end] == '-' ||
                html[name_end] == ':')) {
            ++name_end;
        }
        const std::string_view name = html.substr(name_at, name_end - name_at);
        const std::size_t end = tag_end(html, i);
        bool drop = false;
        if (closing) {
            if (!never_nests(name)) {
                if (excess > 0) {
                    --excess;
                    drop = true;
                } else if (depth > 0) {
                    --depth;
                }
            }
        } else if (is_raw_text(name)) {
            // Skip to the end tag: what is inside is not markup.
            std::size_t k = end;
            while ((k = html.find("</", k)) != std::string_view::npos &&
                   !iequals(html.substr(k + 2, name.size()), name)) {
                k += 2;
            }
            i = k == std::string_view::npos ? html.size() : k;
            continue;
        } else if (!never_nests(name) && html[end - 2] != '/') {
            if (depth >= max_depth) {
                ++excess;
                drop = true;
            } else {
                ++depth;
            }
        }
        if (drop) {
            // The tag becomes a space, so that the words either side stay apart.
            out.append(html.substr(copied, i - copied));
            out.push_back(' ');
            copied = end;
            ++dropped;
        }
        i = end;
    }
    if (dropped == 0) {
        out.clear();
        return 0;
    }
    out.append(html.substr(copied));
    return dropped;
}

namespace {

// Walks the document without recursion (pages can nest deeply), collecting the visible text
// into `body` and the metadata into `meta`.
void walk_html(const GumboNode* root, TextBuilder& body, HtmlMeta& meta) {
    struct Frame {
        const GumboNode* node;
        unsigned next_child;
    };
    std::vector<Frame> stack;
    int hidden = 0;  // inside script, style, head...
    int preformatted = 0;
    int title_depth = 0;
    int h1_depth = 0;
    bool seen_title = false;
    bool seen_h1 = false;
    std::string title;
    std::string h1;

    auto enter = [&](const GumboNode* node) {
        if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_WHITESPACE ||
            node->type == GUMBO_NODE_CDATA) {
            const std::string_view text = node->v.text.text;
            if (title_depth > 0)
                title += text;
            if (h1_depth > 0)
                h1 += text;
            if (hidden > 0)
                return;
            if (preformatted > 0) {
                body.verbatim(text);
            } else {
                body.text(text);
            }
            return;
        }
        if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_TEMPLATE)
            return;
        const GumboElement& element = node->v.element;
        const GumboTag tag = element.tag;
        const bool html_ns = element.tag_namespace == GUMBO_NAMESPACE_HTML;
        if (html_ns && tag == GUMBO_TAG_HTML && meta.lang.empty()) {
            meta.lang = attribute(element, "lang");
            if (meta.lang.empty())
                meta.lang = attribute(element, "xml:lang");
        }
        if (tag == GUMBO_TAG_META)
            read_meta(element, meta);
        if (tag == GUMBO_TAG_LINK)
            read_link(element, meta);
        if (html_ns && tag == GUMBO_TAG_TITLE && !seen_title) {
            seen_title = true;
            ++title_depth;
        }
        if (html_ns && tag == GUMBO_TAG_H1 && !seen_h1) {
            seen_h1 = true;
            ++h1_depth;
        }
        if (hides_text(node))
            ++hidden;
        if (tag == GUMBO_TAG_PRE || tag == GUMBO_TAG_LISTING)
            ++preformatted;
        if (is_block_tag(tag))
            body.line_break(2);
        if (tag == GUMBO_TAG_BR)
            body.line_break(1);
        if (tag == GUMBO_TAG_TD || tag == GUMBO_TAG_TH)
            body.space();
        stack.push_back({node, 0});
    };

    auto leave = [&](const GumboNode* node) {
        const GumboElement& element = node->v.element;
        const GumboTag tag = element.tag;
        const bool html_ns = element.tag_namespace == GUMBO_NAMESPACE_HTML;
        if (html_ns && tag == GUMBO_TAG_TITLE && title_depth > 0)
            --title_depth;
        if (html_ns && tag == GUMBO_TAG_H1 && h1_depth > 0)
            --h1_depth;
        if (hides_text(node))
            --hidden;
        if (tag == GUMBO_TAG_PRE || tag == GUMBO_TAG_LISTING)
            --preformatted;
        if (is_block_tag(tag))
            body.line_break(2);
        if (tag == GUMBO_TAG_TD || tag == GUMBO_TAG_TH)
            body.space();
    };

    if (root->type == GUMBO_NODE_DOCUMENT) {
        stack.push_back({root, 0});
    } else {
        enter(root);
    }
    while (!stack.empty()) {
        Frame& frame = stack.back();
        const GumboVector& children = frame.node->type == GUMBO_NODE_DOCUMENT
                                          ? frame.node->v.document.children
                                          : frame.node->v.element.children;
        if (frame.next_child < children.length) {
            const auto* child = static_cast<const GumboNode*>(children.data[frame.next_child++]);
            enter(child);
            continue;
        }
        const GumboNode* done = frame.node;
        stack.pop_back();
        if (done->type != GUMBO_NODE_DOCUMENT)
            leave(done);
    }
    meta.title = collapse_spaces(title);
    meta.h1 = collapse_spaces(h1);
}

struct GumboOutputDeleter {
    void operator()(GumboOutput* output) const {
        gumbo_destroy_output(&kGumboDefaultOptions, output);
    }
};

}  // namespace

Article parse_html(std::string_view text, const FileInfo& info, std::size_t* dropped_tags) {
    // Gumbo's parse time grows with the square of the nesting depth (20,000 nested elements
    // took 26 s): tags deeper than kMaxHtmlDepth are taken out first, their text kept.
    std::string flat;
    const std::size_t dropped = flatten_html_nesting(text, kMaxHtmlDepth, flat);
    if (dropped_tags != nullptr)
        *dropped_tags = dropped;
    if (dropped > 0)
        text = flat;
    const std::unique_ptr<GumboOutput, GumboOutputDeleter> output(
        gumbo_parse_with_options(&kGumboDefaultOptions, text.data(), text.size()));
    if (!output)
        throw InputError(info.path, 0, "cannot parse the HTML");
    TextBuilder body;
    HtmlMeta meta;
    walk_html(output->document, body, meta);

    Article article = new_article(info);
    article.title = !meta.title.empty() ? meta.title : !meta.h1.empty() ? meta.h1 : meta.og_title;
    article.body = body.finish();
    article.date = meta.date;
    article.authors = std::move(meta.authors);
    article.tags = std::move(meta.tags);
    article.url = !meta.canonical.empty() ? meta.canonical : meta.og_url;
    article.description = !meta.description.empty() ? meta.description : meta.og_description;
    article.language = language_or_tag(meta.lang.empty() ? meta.meta_lang : meta.lang);
    for (std::string* field : {&article.title, &article.body, &article.date, &article.url,
                               &article.description, &article.language}) {
        repair_utf8(*field);
    }
    for (auto* list : {&article.authors, &article.tags}) {
        for (std::string& item : *list)
            repair_utf8(item);
    }
    return article;
}

}  // namespace folio
