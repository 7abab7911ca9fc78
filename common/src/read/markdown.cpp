// SPDX-License-Identifier: GPL-2.0-or-later
// The Markdown reader: YAML front matter (yaml-cpp) for the fields, the blocks and inline markup
// reduced to their text.

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "folio/error.hpp"
#include "read/parse_util.hpp"

namespace folio {

using namespace detail;

namespace {

// Markdown

enum class BlockKind { blank, heading, paragraph, code };

struct Block {
    BlockKind kind;
    std::string text;
};

std::size_t leading_spaces(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size() && s[i] == ' ')
        ++i;
    return i;
}

// "```" or "~~~" (3 or more) after at most three spaces: returns the fence, else "".
std::string_view fence_of(std::string_view line) {
    const std::size_t indent = leading_spaces(line);
    if (indent > 3 || indent >= line.size())
        return {};
    const char c = line[indent];
    if (c != '`' && c != '~')
        return {};
    std::size_t end = indent;
    while (end < line.size() && line[end] == c)
        ++end;
    if (end - indent < 3)
        return {};
    return line.substr(indent, end - indent);
}

// The text of an ATX heading ("## Title ##"), or nullopt when the line is not one.
std::optional<std::string_view> atx_heading(std::string_view line) {
    const std::size_t indent = leading_spaces(line);
    if (indent > 3)
        return std::nullopt;
    std::size_t hashes = indent;
    while (hashes < line.size() && line[hashes] == '#')
        ++hashes;
    const std::size_t level = hashes - indent;
    if (level == 0 || level > 6)
        return std::nullopt;
    if (hashes < line.size() && line[hashes] != ' ' && line[hashes] != '\t')
        return std::nullopt;
    std::string_view text = trim(line.substr(hashes));
    // A closing sequence of '#' is dropped when it stands apart from the text.
    std::size_t end = text.size();
    while (end > 0 && text[end - 1] == '#')
        --end;
    if (end == 0 || (end < text.size() && is_space(text[end - 1])))
        text = trim(text.substr(0, end));
    return text;
}

// "===" or "---" alone on a line: a setext underline (or, after a blank line, a rule).
char underline_of(std::string_view line) {
    line = trim(line);
    if (line.empty() || (line.front() != '=' && line.front() != '-'))
        return 0;
    for (char c : line) {
        if (c != line.front())
            return 0;
    }
    return line.front();
}

bool is_thematic_break(std::string_view line) {
    line = trim(line);
    if (line.empty() || (line.front() != '*' && line.front() != '-' && line.front() != '_')) {
        return false;
    }
    std::size_t marks = 0;
    for (char c : line) {
        if (c == line.front()) {
            ++marks;
        } else if (c != ' ' && c != '\t') {
            return false;
        }
    }
    return marks >= 3;
}

// "[label]: https://..." (a link reference definition, not text).
bool is_link_definition(std::string_view line) {
    line = trim(line);
    if (line.size() < 4 || line.front() != '[')
        return false;
    const std::size_t close = line.find("]:");
    return close != std::string_view::npos && close > 1 && line.find('[', 1) > close;
}

std::string_view strip_blockquote(std::string_view line) {
    for (;;) {
        const std::size_t indent = leading_spaces(line);
        if (indent > 3 || indent >= line.size() || line[indent] != '>')
            return line;
        line.remove_prefix(indent + 1);
        if (!line.empty() && line.front() == ' ')
            line.remove_prefix(1);
    }
}

// Markdown lines (after the front matter) as blocks; fences dropped, their code kept.
std::vector<Block> markdown_blocks(const std::vector<std::string_view>& lines, std::size_t first) {
    std::vector<Block> blocks;
    std::string_view fence;
    for (std::size_t i = first; i < lines.size(); ++i) {
        std::string_view line = lines[i];
        if (!fence.empty()) {
            const std::string_view close = fence_of(line);
            if (close.size() >= fence.size() && close.front() == fence.front() &&
                is_blank(trim(line).substr(close.size()))) {
                fence = {};
                blocks.push_back({BlockKind::blank, ""});
            } else {
                blocks.push_back({BlockKind::code, std::string(line)});
            }
            continue;
        }
        line = strip_blockquote(line);
        if (const std::string_view open = fence_of(line); !open.empty()) {
            fence = open;
            blocks.push_back({BlockKind::blank, ""});
            continue;
        }
        if (is_blank(line)) {
            blocks.push_back({BlockKind::blank, ""});
        } else if (const auto heading = atx_heading(line)) {
            blocks.push_back({BlockKind::heading, std::string(*heading)});
        } else if (const char u = underline_of(line);
                   u != 0 && !blocks.empty() && blocks.back().kind == BlockKind::paragraph) {
            blocks.back().kind = BlockKind::heading;
        } else if (is_thematic_break(line) || is_link_definition(line)) {
            blocks.push_back({BlockKind::blank, ""});
        } else {
            blocks.push_back({BlockKind::paragraph, std::string(line)});
        }
    }
    return blocks;
}

// Decodes "&amp;", "&#8220;", "&#x201C;" and a few other common entities at s[i] ('&').
// Returns the length consumed, 0 when it is not an entity.
std::size_t decode_entity(std::string_view s, std::size_t i, std::string& out) {
    const std::size_t semi = s.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10 || semi == i + 1)
        return 0;
    const std::string_view name = s.substr(i + 1, semi - i - 1);
    static constexpr std::pair<std::string_view, std::string_view> kNamed[] = {
        {"amp", "&"},  {"lt", "<"},   {"gt", ">"},         {"quot", "\""},
        {"apos", "'"}, {"nbsp", " "}, {"mdash", "\u2014"}, {"ndash", "\u2013"}};
    for (const auto& [entity, text] : kNamed) {
        if (name == entity) {
            out += text;
            return semi - i + 1;
        }
    }
    if (name.front() != '#')
        return 0;
    const bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
    const std::string_view digits = name.substr(hex ? 2 : 1);
    if (digits.empty())
        return 0;
    char32_t cp = 0;
    for (char c : digits) {
        int v;
        if (detail::is_digit(c)) {
            v = c - '0';
        } else if (hex && detail::to_lower(c) >= 'a' && detail::to_lower(c) <= 'f') {
            v = detail::to_lower(c) - 'a' + 10;
        } else {
            return 0;
        }
        cp = cp * (hex ? 16 : 10) + static_cast<char32_t>(v);
        if (cp > 0x10FFFF)
            return 0;
    }
    if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    append_code_point(out, cp);
    return semi - i + 1;
}

// How far matching brackets and code spans are looked for, to keep bad input linear.
constexpr std::size_t kInlineSearchLimit = 4096;
constexpr int kMaxLinkNesting = 8;

// Index of the `close` matching the `open` at s[i], or npos.
std::size_t matching(std::string_view s, std::size_t i, char open, char close) {
    int depth = 0;
    const std::size_t end = std::min(s.size(), i + kInlineSearchLimit);
    for (std::size_t k = i; k < end; ++k) {
        if (s[k] == '\\') {
            ++k;
        } else if (s[k] == open) {
            ++depth;
        } else if (s[k] == close && --depth == 0) {
            return k;
        }
    }
    return std::string_view::npos;
}

bool is_word_byte(char c) {
    return detail::is_alpha(c) || detail::is_digit(c) || static_cast<unsigned char>(c) >= 0x80;
}

bool is_ascii_punct(char c) {
    return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
           (c >= '{' && c <= '~');
}

void reduce_inline(std::string_view s, std::string& out, int depth);

// A link or image at s[i] ('['): appends its text and returns the length consumed, or 0.
std::size_t reduce_link(std::string_view s, std::size_t i, std::string& out, int depth) {
    const std::size_t close = matching(s, i, '[', ']');
    if (close == std::string_view::npos || close + 1 >= s.size())
        return 0;
    std::size_t end;
    if (s[close + 1] == '(') {
        end = matching(s, close + 1, '(', ')');
    } else if (s[close + 1] == '[') {
        end = s.find(']', close + 1);
    } else {
        return 0;
    }
    if (end == std::string_view::npos)
        return 0;
    const std::string_view label = s.substr(i + 1, close - i - 1);
    if (depth < kMaxLinkNesting) {
        reduce_inline(label, out, depth + 1);
    } else {
        out += label;
    }
    return end - i + 1;
}

// A code span at s[i] ('`'): appends its text verbatim and returns the length consumed.
std::size_t reduce_code_span(std::string_view s, std::size_t i, std::string& out) {
    std::size_t ticks = i;
    while (ticks < s.size() && s[ticks] == '`')
        ++ticks;
    const std::string_view fence = s.substr(i, ticks - i);
    std::size_t k = ticks;
    const std::size_t end = std::min(s.size(), ticks + kInlineSearchLimit);
    while (k < end) {
        const std::size_t found = s.find(fence, k);
        if (found == std::string_view::npos || found >= end)
            break;
        std::size_t after = found + fence.size();
        if (after < s.size() && s[after] == '`') {
            while (after < s.size() && s[after] == '`')
                ++after;
            k = after;
            continue;
        }
        std::string_view code = s.substr(ticks, found - ticks);
        if (code.size() >= 2 && code.front() == ' ' && code.back() == ' ') {
            code = code.substr(1, code.size() - 2);
        }
        out += code;
        return after - i;
    }
    return fence.size();  // an unmatched run of backticks is dropped
}

// An HTML tag or autolink at s[i] ('<'): appends an autolink's address, drops a tag, and
// returns the length consumed, or 0 when it is a plain '<'.
std::size_t reduce_angle(std::string_view s, std::size_t i, std::string& out) {
    if (i + 1 >= s.size())
        return 0;
    const char next = s[i + 1];
    if (!detail::is_alpha(next) && next != '/' && next != '!' && next != '?')
        return 0;
    const std::size_t close = s.find('>', i + 1);
    if (close == std::string_view::npos)
        return 0;
    const std::string_view inner = s.substr(i + 1, close - i - 1);
    if (inner.find('<') != std::string_view::npos)
        return 0;
    const std::size_t colon = inner.find(':');
    const bool autolink = inner.find_first_of(" \t") == std::string_view::npos &&
                          ((colon != std::string_view::npos && colon >= 2) ||
                           inner.find('@') != std::string_view::npos);
    if (autolink)
        out += inner;
    return close - i + 1;
}

// Reduces one line of Markdown inline markup to its text.
void reduce_inline(std::string_view s, std::string& out, int depth) {
    for (std::size_t i = 0; i < s.size();) {
        const char c = s[i];
        std::size_t used = 0;
        if (c == '\\' && i + 1 < s.size() && is_ascii_punct(s[i + 1])) {
            out += s[i + 1];
            used = 2;
        } else if (c == '`') {
            used = reduce_code_span(s, i, out);
        } else if (c == '!' && i + 1 < s.size() && s[i + 1] == '[') {
            used = reduce_link(s, i + 1, out, depth);
            if (used != 0)
                ++used;
        } else if (c == '[') {
            used = reduce_link(s, i, out, depth);
        } else if (c == '<') {
            used = reduce_angle(s, i, out);
        } else if (c == '&') {
            used = decode_entity(s, i, out);
        } else if (c == '*' || c == '_' || c == '~') {
            std::size_t end = i;
            while (end < s.size() && s[end] == c)
                ++end;
            const bool before_word = i > 0 && is_word_byte(s[i - 1]);
            const bool after_word = end < s.size() && is_word_byte(s[end]);
            const bool before_space = i == 0 || is_space(s[i - 1]);
            const bool after_space = end == s.size() || is_space(s[end]);
            bool markup;
            if (c == '_') {
                markup = !(before_word && after_word);  // snake_case stays
            } else if (c == '~') {
                markup = end - i == 2;  // ~~strikethrough~~
            } else {
                markup = !(before_space && after_space);  // a lone " * " stays
            }
            if (!markup)
                out.append(s.substr(i, end - i));
            used = end - i;
        }
        if (used == 0) {
            out += c;
            used = 1;
        }
        i += used;
    }
}

std::string reduce_line(std::string_view line) {
    std::string out;
    out.reserve(line.size());
    reduce_inline(line, out, 0);
    return out;
}

// Where the front matter's YAML text starts (the line after the opening "---"), 1-based.
constexpr std::size_t kFrontMatterFirstLine = 2;

class FrontMatter {
  public:
    FrontMatter(const std::string& path, Article& article) : path_(path), article_(article) {}

    // Applies the YAML front matter to the article; throws InputError on bad YAML or types.
    void apply(const std::string& yaml) {
        YAML::Node root;
        try {
            root = YAML::Load(yaml);
        } catch (const YAML::DeepRecursion& e) {
            // yaml-cpp's depth guard says "bad file", which misleads.
            throw InputError(path_, kFrontMatterFirstLine + static_cast<std::size_t>(e.mark.line),
                             "bad YAML front matter: nested too deep (more than " +
                                 std::to_string(e.depth()) + " levels)");
        } catch (const YAML::Exception& e) {
            const std::size_t line =
                e.mark.is_null() ? 1
                                 : kFrontMatterFirstLine + static_cast<std::size_t>(e.mark.line);
            throw InputError(path_, line, "bad YAML front matter: " + e.msg);
        }
        if (!root || root.IsNull())
            return;
        if (!root.IsMap()) {
            throw InputError(path_, 1, "front matter is not a YAML mapping of keys to values");
        }
        for (const auto& entry : root) {
            if (!entry.first.IsScalar())
                continue;
            apply_field(detail::lower(entry.first.Scalar()), entry.second);
        }
    }

    bool has_title() const { return has_title_; }

  private:
    void apply_field(const std::string& key, const YAML::Node& value) {
        if (key == "title") {
            if (auto s = scalar(key, value)) {
                article_.title = collapse_spaces(*s);
                has_title_ = true;
            }
        } else if (key == "date") {
            // An unreadable date is left out rather than losing the article.
            if (auto s = scalar(key, value))
                article_.date = normalize_date(*s).value_or("");
        } else if (key == "author" || key == "authors") {
            list(key, value, false, article_.authors);
        } else if (key == "tags" || key == "keywords") {
            list(key, value, true, article_.tags);
        } else if (key == "url") {
            if (auto s = scalar(key, value))
                article_.url = std::string(trim(*s));
        } else if (key == "lang" || key == "language") {
            if (auto s = scalar(key, value))
                article_.language = language_or_tag(*s);
        } else if (key == "source") {
            if (auto s = scalar(key, value); s && !is_blank(*s))
                article_.source = *s;
        } else if (key == "id") {
            if (auto s = scalar(key, value); s && !is_blank(*s)) {
                if (s->find('\0') != std::string::npos) {
                    throw InputError(path_, line_of(value),
                                     "front matter field 'id' contains a NUL byte (no command "
                                     "line could name the article)");
                }
                article_.id = trim(*s);
            }
        } else if (key == "description") {
            if (auto s = scalar(key, value))
                article_.description = std::string(trim(*s));
        }
    }

    // A scalar's text, valid UTF-8 (see repair_utf8 for what yaml-cpp may leave).
    static std::string text_of(const YAML::Node& node) {
        std::string text = node.Scalar();
        repair_utf8(text, true);
        return text;
    }

    std::size_t line_of(const YAML::Node& node) const {
        const YAML::Mark mark = node.Mark();
        return mark.is_null() ? 1 : kFrontMatterFirstLine + static_cast<std::size_t>(mark.line);
    }

    std::optional<std::string> scalar(const std::string& key, const YAML::Node& value) const {
        if (value.IsNull())
            return std::nullopt;
        if (!value.IsScalar()) {
            throw InputError(path_, line_of(value),
                             "front matter field '" + key + "' must be a single value, not a " +
                                 (value.IsSequence() ? "list" : "mapping"));
        }
        return text_of(value);
    }

    void list(const std::string& key, const YAML::Node& value, bool comma_separated,
              std::vector<std::string>& out) const {
        if (value.IsNull())
            return;
        DistinctList list(out);
        if (value.IsScalar()) {
            if (comma_separated) {
                list.add_comma_separated(text_of(value));
            } else {
                list.add(text_of(value));
            }
            return;
        }
        if (!value.IsSequence()) {
            throw InputError(path_, line_of(value),
                             "front matter field '" + key + "' must be a list or a string");
        }
        for (const auto& item : value) {
            if (item.IsNull())
                continue;
            if (!item.IsScalar()) {
                throw InputError(path_, line_of(item),
                                 "front matter field '" + key + "' must be a list of strings");
            }
            list.add(text_of(item));
        }
    }

    const std::string& path_;
    Article& article_;
    bool has_title_ = false;
};

}  // namespace

Article parse_markdown(std::string_view text, const FileInfo& info) {
    const std::vector<std::string_view> lines = split_lines(strip_bom(text));
    Article article = new_article(info);
    FrontMatter front(info.path, article);
    std::size_t first = 0;
    if (!lines.empty() && trim_right(lines[0]) == "---") {
        std::size_t close = 1;
        while (close < lines.size() && trim_right(lines[close]) != "---" &&
               trim_right(lines[close]) != "...") {
            ++close;
        }
        if (close == lines.size()) {
            throw InputError(info.path, 1, "front matter is not closed by a '---' line");
        }
        std::string yaml;
        for (std::size_t k = 1; k < close; ++k) {
            yaml += lines[k];
            yaml += '\n';
        }
        front.apply(yaml);
        first = close + 1;
    }

    std::vector<Block> blocks = markdown_blocks(lines, first);
    // The title heading is not repeated in the body: the first heading when the front matter
    // has no title, else a leading heading that only repeats the front matter's title.
    auto first_content = std::find_if(blocks.begin(), blocks.end(),
                                      [](const Block& b) { return b.kind != BlockKind::blank; });
    if (!front.has_title()) {
        auto heading = std::find_if(blocks.begin(), blocks.end(),
                                    [](const Block& b) { return b.kind == BlockKind::heading; });
        if (heading != blocks.end()) {
            article.title = collapse_spaces(reduce_line(heading->text));
            heading->kind = BlockKind::blank;
        } else if (first_content != blocks.end()) {
            // No heading: the first line names the article but stays part of the text.
            article.title = collapse_spaces(reduce_line(first_content->text));
        }
    } else if (first_content != blocks.end() && first_content->kind == BlockKind::heading &&
               iequals(collapse_spaces(reduce_line(first_content->text)), article.title)) {
        first_content->kind = BlockKind::blank;
    }

    std::vector<std::string> body;
    body.reserve(blocks.size());
    for (const Block& block : blocks) {
        switch (block.kind) {
            case BlockKind::blank:
                body.emplace_back();
                break;
            case BlockKind::code:
                body.push_back(block.text);
                break;
            case BlockKind::heading:
                body.emplace_back();
                body.push_back(collapse_spaces(reduce_line(block.text)));
                body.emplace_back();
                break;
            case BlockKind::paragraph:
                body.push_back(reduce_line(block.text));
                break;
        }
    }
    article.body = join_body(body);
    return article;
}

}  // namespace folio
