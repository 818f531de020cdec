/*
 * tmpl.c - Mustache compiler and renderer.
 *
 * Compilation runs in three passes over the source:
 *   1. tokenize: text split per line (each piece keeps its newline) and tags,
 *      following set-delimiter tags as they come;
 *   2. standalone: a line holding only whitespace and one non-output tag
 *      (section, inverted, close, comment, partial, delimiter, parent, block)
 *      loses its whitespace and newline. Parent open/close tags are
 *      "transparent": they may share the line with one other tag, which is
 *      how the inheritance spec lets {{<parent}}{{$block}} stand alone;
 *   3. tree: tags nested by a stack, then block bodies re-indented so that a
 *      block's own indentation is removed where it is defined and the slot's
 *      indentation is added where it is expanded.
 */
#include "tmpl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64	/* nesting of sections in one template */
#define MAX_RENDER_DEPTH 100	/* partial/parent expansion depth */
#define MAX_CONTEXT 256	/* context stack during rendering */

enum ntype { N_TEXT, N_VAR, N_SECTION, N_INVERTED, N_PARTIAL, N_PARENT, N_BLOCK };

struct node {
	enum ntype type;
	char *str;	/* text, or the tag's name */
	size_t len;	/* length of str */
	int escape;	/* N_VAR: HTML-escape */
	int standalone;	/* N_PARTIAL, N_PARENT, N_BLOCK */
	char *indent;	/* partial/parent: line indent; block: slot indent */
	char *tag_indent;	/* N_BLOCK: whitespace before the tag on its line */
	int line;
	struct node *kids;
	size_t nkids;
};

struct tmpl {
	char *name;
	struct node *nodes;
	size_t nnodes;
};

struct tmpl_set {
	struct tmpl *v;
	size_t n, cap;
};

/* ---------- pass 1: tokens ---------- */

enum ttype { T_TEXT, T_VAR, T_RAW, T_SECTION, T_INVERTED, T_CLOSE,
	T_COMMENT, T_PARTIAL, T_DELIM, T_PARENT, T_BLOCK };

struct token {
	enum ttype type;
	const char *s;	/* text, or the tag's trimmed name */
	size_t len;
	int line;
	int removed;	/* text dropped by standalone rule */
	int standalone;
	int transparent;	/* parent open, or the close of a parent */
	const char *ws;	/* leading whitespace of the tag's line */
	size_t wslen;
	int ws_only_before;	/* only whitespace text precedes on the line */
};

struct toks {
	struct token *v;
	size_t n, cap;
};

static void tok_push(struct toks *t, struct token tk)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->v = xrealloc(t->v, t->cap * sizeof *t->v);
	}
	t->v[t->n++] = tk;
}

static int is_ws(char c)
{
	return c == ' ' || c == '\t';
}

static void seterr(char *err, size_t errlen, const char *fmt, const char *a, int line)
{
	if (err && errlen)
		snprintf(err, errlen, fmt, a, line);
}

/* Emits text pieces split after each newline. */
static void push_text(struct toks *t, const char *s, size_t len, int *line)
{
	size_t start = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n') {
			tok_push(t, (struct token){ .type = T_TEXT, .s = s + start,
			    .len = i + 1 - start, .line = *line });
			(*line)++;
			start = i + 1;
		}
	}
	if (start < len)
		tok_push(t, (struct token){ .type = T_TEXT, .s = s + start,
		    .len = len - start, .line = *line });
}

static const char *find(const char *s, const char *end, const char *needle, size_t nlen)
{
	for (const char *p = s; p + nlen <= end; p++)
		if (memcmp(p, needle, nlen) == 0)
			return p;
	return NULL;
}

/* Parses "=<open> <close>=" into new delimiters. Returns 0 or -1. */
static int parse_delims(const char *s, size_t len, char *open, char *close)
{
	if (len < 2 || s[0] != '=' || s[len - 1] != '=')
		return -1;
	s++, len -= 2;
	size_t i = 0;
	while (i < len && is_ws(s[i]))
		i++;
	size_t a = i;
	while (i < len && !is_ws(s[i]) && s[i] != '=')
		i++;
	size_t alen = i - a;
	while (i < len && is_ws(s[i]))
		i++;
	size_t b = i;
	while (i < len && !is_ws(s[i]) && s[i] != '=')
		i++;
	size_t blen = i - b;
	while (i < len && is_ws(s[i]))
		i++;
	if (i != len || alen == 0 || blen == 0 || alen > 15 || blen > 15)
		return -1;
	memcpy(open, s + a, alen);
	open[alen] = '\0';
	memcpy(close, s + b, blen);
	close[blen] = '\0';
	return 0;
}

static int tokenize(const char *src, size_t len, struct toks *t, char *err, size_t errlen)
{
	char open[16] = "{{", close[16] = "}}";
	const char *p = src, *end = src + len;
	int line = 1;

	while (p < end) {
		size_t olen = strlen(open), clen = strlen(close);
		const char *o = find(p, end, open, olen);
		if (!o) {
			push_text(t, p, (size_t)(end - p), &line);
			break;
		}
		push_text(t, p, (size_t)(o - p), &line);
		const char *q = o + olen;
		const char *c;
		struct token tk = { .line = line };
		if (q < end && *q == '{') {
			/* triple mustache: content ends with "}" + close */
			char cl[17];
			snprintf(cl, sizeof cl, "}%s", close);
			c = find(q + 1, end, cl, clen + 1);
			if (!c) {
				seterr(err, errlen, "%sunclosed tag on line %d", "", line);
				return -1;
			}
			tk.type = T_RAW;
			q++;
			p = c + clen + 1;
		} else {
			c = find(q, end, close, clen);
			if (!c) {
				seterr(err, errlen, "%sunclosed tag on line %d", "", line);
				return -1;
			}
			p = c + clen;
			tk.type = T_VAR;
			if (q < c) {
				switch (*q) {
				case '&': tk.type = T_RAW; q++; break;
				case '#': tk.type = T_SECTION; q++; break;
				case '^': tk.type = T_INVERTED; q++; break;
				case '/': tk.type = T_CLOSE; q++; break;
				case '!': tk.type = T_COMMENT; q++; break;
				case '>': tk.type = T_PARTIAL; q++; break;
				case '=': tk.type = T_DELIM; break;
				case '<': tk.type = T_PARENT; q++; break;
				case '$': tk.type = T_BLOCK; q++; break;
				default: break;
				}
			}
		}
		for (const char *x = o; x < p; x++)
			if (*x == '\n')
				line++;
		if (tk.type == T_COMMENT) {
			tok_push(t, tk);
			continue;
		}
		while (q < c && is_ws(*q))
			q++;
		const char *e = c;
		while (e > q && is_ws(e[-1]))
			e--;
		if (tk.type == T_DELIM) {
			if (parse_delims(q, (size_t)(e - q), open, close) < 0) {
				seterr(err, errlen, "%sbad set-delimiter tag on line %d", "", tk.line);
				return -1;
			}
			tok_push(t, tk);
			continue;
		}
		if (e == q) {
			seterr(err, errlen, "%sempty tag on line %d", "", tk.line);
			return -1;
		}
		for (const char *x = q; x < e; x++) {
			if (*x == '\n' || *x == '{' || *x == '}') {
				seterr(err, errlen, "%sbad characters in tag on line %d", "", tk.line);
				return -1;
			}
		}
		tk.s = q;
		tk.len = (size_t)(e - q);
		tok_push(t, tk);
	}
	return 0;
}

/* ---------- pass 2: standalone lines ---------- */

static int standalone_kind(enum ttype t)
{
	return t == T_SECTION || t == T_INVERTED || t == T_CLOSE || t == T_COMMENT ||
	    t == T_PARTIAL || t == T_DELIM || t == T_PARENT || t == T_BLOCK;
}

static int text_is_blank(const struct token *tk)
{
	for (size_t i = 0; i < tk->len; i++) {
		char c = tk->s[i];
		if (!is_ws(c) && c != '\n' && !(c == '\r' && i + 2 == tk->len && tk->s[i + 1] == '\n'))
			return 0;
	}
	return 1;
}

static void mark_transparent(struct toks *t)
{
	/* A close tag is transparent when it closes a parent tag. */
	struct token *stack[MAX_DEPTH * 4];
	size_t sp = 0;
	for (size_t i = 0; i < t->n; i++) {
		struct token *tk = &t->v[i];
		if (tk->type == T_SECTION || tk->type == T_INVERTED ||
		    tk->type == T_PARENT || tk->type == T_BLOCK) {
			if (tk->type == T_PARENT)
				tk->transparent = 1;
			if (sp < sizeof stack / sizeof stack[0])
				stack[sp++] = tk;
		} else if (tk->type == T_CLOSE && sp > 0) {
			struct token *o = stack[--sp];
			if (o->type == T_PARENT)
				tk->transparent = 1;
		}
	}
}

static void mark_standalone(struct toks *t)
{
	size_t i = 0;
	while (i < t->n) {
		size_t j = i;
		int has_newline = 0;
		/* the line is [i, j): ends after a text token ending in '\n' */
		while (j < t->n) {
			struct token *tk = &t->v[j++];
			if (tk->type == T_TEXT && tk->len && tk->s[tk->len - 1] == '\n') {
				has_newline = 1;
				break;
			}
		}
		(void)has_newline;
		int ok = 1, tags = 0, opaque = 0;
		const char *ws = NULL;
		size_t wslen = 0;
		int seen_tag = 0;
		for (size_t k = i; k < j; k++) {
			struct token *tk = &t->v[k];
			if (tk->type == T_TEXT) {
				if (!text_is_blank(tk))
					ok = 0;
				if (!seen_tag && tk->s[tk->len - 1] != '\n' && !ws) {
					ws = tk->s;
					wslen = tk->len;
				}
			} else {
				seen_tag = 1;
				tags++;
				if (!standalone_kind(tk->type))
					ok = 0;
				if (!tk->transparent)
					opaque++;
			}
		}
		/* record the whitespace before each tag (for block slot indent) */
		int only_ws = 1;
		for (size_t k = i; k < j; k++) {
			struct token *tk = &t->v[k];
			if (tk->type == T_TEXT) {
				if (!text_is_blank(tk))
					only_ws = 0;
				continue;
			}
			tk->ws_only_before = only_ws;
			tk->ws = ws;
			tk->wslen = ws ? wslen : 0;
			if (!tk->transparent)
				only_ws = 0;
		}
		if (ok && tags > 0 && opaque <= 1) {
			for (size_t k = i; k < j; k++) {
				struct token *tk = &t->v[k];
				if (tk->type == T_TEXT)
					tk->removed = 1;
				else
					tk->standalone = 1;
			}
		}
		i = j;
	}
}

/* ---------- pass 3: tree ---------- */

struct nodes {
	struct node *v;
	size_t n, cap;
};

static void node_push(struct nodes *ns, struct node n)
{
	if (ns->n == ns->cap) {
		ns->cap = ns->cap ? ns->cap * 2 : 8;
		ns->v = xrealloc(ns->v, ns->cap * sizeof *ns->v);
	}
	ns->v[ns->n++] = n;
}

static void nodes_free(struct node *v, size_t n);

/* Frees what node n owns, not n itself. */
static void node_clear(struct node *n)
{
	free(n->str);
	free(n->indent);
	free(n->tag_indent);
	nodes_free(n->kids, n->nkids);
}

static void nodes_free(struct node *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		node_clear(&v[i]);
	free(v);
}

/*
 * Builds nodes from tokens[*pos] until the close tag for `open` (or the end
 * when open is NULL). Returns 0 or -1 with err.
 */
static int build(struct toks *t, size_t *pos, const struct token *open, int depth,
    struct nodes *out, char *err, size_t errlen)
{
	if (depth > MAX_DEPTH) {
		seterr(err, errlen, "%ssections nested too deep on line %d", "",
		    open ? open->line : 0);
		return -1;
	}
	while (*pos < t->n) {
		struct token *tk = &t->v[(*pos)++];
		struct node n = { .line = tk->line };
		switch (tk->type) {
		case T_TEXT:
			if (tk->removed)
				continue;
			/* merge with previous text */
			if (out->n && out->v[out->n - 1].type == N_TEXT &&
			    out->v[out->n - 1].str[out->v[out->n - 1].len - 1] != '\n') {
				struct node *prev = &out->v[out->n - 1];
				prev->str = xrealloc(prev->str, prev->len + tk->len + 1);
				memcpy(prev->str + prev->len, tk->s, tk->len);
				prev->len += tk->len;
				prev->str[prev->len] = '\0';
				continue;
			}
			n.type = N_TEXT;
			n.str = xstrndup(tk->s, tk->len);
			n.len = tk->len;
			node_push(out, n);
			continue;
		case T_COMMENT:
		case T_DELIM:
			continue;
		case T_VAR:
		case T_RAW:
			n.type = N_VAR;
			n.escape = tk->type == T_VAR;
			break;
		case T_PARTIAL:
			n.type = N_PARTIAL;
			break;
		case T_CLOSE:
			if (!open || open->len != tk->len || memcmp(open->s, tk->s, tk->len) != 0) {
				char name[64];
				snprintf(name, sizeof name, "%.*s", (int)(tk->len < 60 ? tk->len : 60), tk->s);
				seterr(err, errlen, "unexpected closing tag '%s' on line %d", name, tk->line);
				return -1;
			}
			return 0;
		case T_SECTION:
		case T_INVERTED:
		case T_PARENT:
		case T_BLOCK: {
			struct nodes kids = { 0 };
			if (build(t, pos, tk, depth + 1, &kids, err, errlen) < 0) {
				nodes_free(kids.v, kids.n);
				return -1;
			}
			n.type = tk->type == T_SECTION ? N_SECTION :
			    tk->type == T_INVERTED ? N_INVERTED :
			    tk->type == T_PARENT ? N_PARENT : N_BLOCK;
			if (n.type == N_PARENT) {
				/* only blocks matter inside a parent tag */
				size_t k = 0;
				for (size_t m = 0; m < kids.n; m++) {
					if (kids.v[m].type == N_BLOCK)
						kids.v[k++] = kids.v[m];
					else
						node_clear(&kids.v[m]);
				}
				kids.n = k;
			}
			n.kids = kids.v;
			n.nkids = kids.n;
			break;
		}
		}
		n.str = xstrndup(tk->s, tk->len);
		n.len = tk->len;
		n.standalone = tk->standalone;
		if (n.type == N_PARTIAL || n.type == N_PARENT)
			n.indent = tk->standalone ? xstrndup(tk->ws ? tk->ws : "", tk->wslen) : xstrdup("");
		if (n.type == N_BLOCK) {
			n.tag_indent = tk->ws_only_before ? xstrndup(tk->ws ? tk->ws : "", tk->wslen) : xstrdup("");
			n.indent = xstrdup("");
		}
		node_push(out, n);
	}
	if (open) {
		char name[64];
		snprintf(name, sizeof name, "%.*s", (int)(open->len < 60 ? open->len : 60), open->s);
		seterr(err, errlen, "unclosed section '%s' opened on line %d", name, open->line);
		return -1;
	}
	return 0;
}

/* Strips up to n leading blanks from s (at most up to the first non-blank). */
static char *strip_blanks(const char *s, size_t len, size_t n, size_t *outlen)
{
	size_t k = 0;
	while (k < n && k < len && is_ws(s[k]))
		k++;
	*outlen = len - k;
	return xstrndup(s + k, len - k);
}

/*
 * Removes up to n blanks at the start of each line inside nodes, following
 * the source order; *bol says whether the next node starts a line.
 */
static void dedent(struct node *v, size_t nv, size_t n, int *bol)
{
	for (size_t i = 0; i < nv; i++) {
		struct node *x = &v[i];
		switch (x->type) {
		case N_TEXT:
			if (*bol) {
				size_t nl;
				char *s = strip_blanks(x->str, x->len, n, &nl);
				free(x->str);
				x->str = s;
				x->len = nl;
			}
			*bol = x->len && x->str[x->len - 1] == '\n';
			break;
		case N_VAR:
			*bol = 0;
			break;
		case N_PARTIAL:
		case N_PARENT:
			if (x->standalone) {
				size_t nl;
				char *s = strip_blanks(x->indent, strlen(x->indent), n, &nl);
				free(x->indent);
				x->indent = s;
			}
			if (x->type == N_PARENT)
				dedent(x->kids, x->nkids, n, bol);
			*bol = x->standalone;
			break;
		case N_BLOCK:
			if (x->standalone) {
				size_t nl;
				char *s = strip_blanks(x->tag_indent, strlen(x->tag_indent), n, &nl);
				free(x->tag_indent);
				x->tag_indent = s;
				*bol = 1;
			}
			dedent(x->kids, x->nkids, n, bol);
			break;
		case N_SECTION:
		case N_INVERTED:
			if (x->standalone)
				*bol = 1;
			dedent(x->kids, x->nkids, n, bol);
			break;
		}
	}
}

/*
 * Works out each block's slot indent, outermost first: a standalone block
 * takes its indent from its body's first line ("intrinsic indentation"),
 * or from its own tag when the body is empty, and its body loses that
 * indent; an inline block indents continuation lines by the whitespace
 * before its tag.
 */
static void finalize_blocks(struct node *v, size_t nv)
{
	for (size_t i = 0; i < nv; i++) {
		struct node *x = &v[i];
		if (x->type == N_BLOCK) {
			free(x->indent);
			if (x->standalone) {
				const char *ind = x->tag_indent;
				size_t indlen = strlen(ind);
				if (x->nkids && x->kids[0].type == N_TEXT) {
					struct node *f = &x->kids[0];
					size_t k = 0;
					while (k < f->len && is_ws(f->str[k]))
						k++;
					if (k < f->len && f->str[k] != '\n' && f->str[k] != '\r') {
						ind = f->str;
						indlen = k;
					}
				}
				x->indent = xstrndup(ind, indlen);
				if (indlen) {
					int bol = 1;
					dedent(x->kids, x->nkids, indlen, &bol);
				}
			} else {
				x->indent = xstrdup(x->tag_indent);
			}
		}
		finalize_blocks(x->kids, x->nkids);
	}
}

/* ---------- the set ---------- */

struct tmpl_set *tmpl_set_new(void)
{
	return xcalloc(1, sizeof(struct tmpl_set));
}

static void tmpl_clear(struct tmpl *t)
{
	free(t->name);
	nodes_free(t->nodes, t->nnodes);
}

void tmpl_set_free(struct tmpl_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n; i++)
		tmpl_clear(&set->v[i]);
	free(set->v);
	free(set);
}

static const struct tmpl *lookup_tmpl(const struct tmpl_set *set, const char *name, size_t len)
{
	for (size_t i = 0; i < set->n; i++)
		if (strlen(set->v[i].name) == len && memcmp(set->v[i].name, name, len) == 0)
			return &set->v[i];
	return NULL;
}

int tmpl_has(const struct tmpl_set *set, const char *name)
{
	return lookup_tmpl(set, name, strlen(name)) != NULL;
}

int tmpl_add(struct tmpl_set *set, const char *name, const char *src,
    size_t len, char *err, size_t errlen)
{
	struct toks t = { 0 };
	struct nodes ns = { 0 };
	size_t pos = 0;

	if (tokenize(src, len, &t, err, errlen) < 0)
		goto fail;
	mark_transparent(&t);
	mark_standalone(&t);
	if (build(&t, &pos, NULL, 0, &ns, err, errlen) < 0)
		goto fail;
	free(t.v);
	finalize_blocks(ns.v, ns.n);

	struct tmpl nt = { .name = xstrdup(name), .nodes = ns.v, .nnodes = ns.n };
	for (size_t i = 0; i < set->n; i++) {
		if (strcmp(set->v[i].name, name) == 0) {
			tmpl_clear(&set->v[i]);
			set->v[i] = nt;
			return 0;
		}
	}
	if (set->n == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 32;
		set->v = xrealloc(set->v, set->cap * sizeof *set->v);
	}
	set->v[set->n++] = nt;
	return 0;
fail:
	free(t.v);
	nodes_free(ns.v, ns.n);
	return -1;
}

static int check_nodes(const struct tmpl_set *set, const struct tmpl *t,
    const struct node *v, size_t n, char *err, size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		if ((v[i].type == N_PARTIAL || v[i].type == N_PARENT) &&
		    !lookup_tmpl(set, v[i].str, v[i].len)) {
			if (err && errlen)
				snprintf(err, errlen, "%s: line %d: missing partial '%s'",
				    t->name, v[i].line, v[i].str);
			return -1;
		}
		if (check_nodes(set, t, v[i].kids, v[i].nkids, err, errlen) < 0)
			return -1;
	}
	return 0;
}

int tmpl_check(const struct tmpl_set *set, char *err, size_t errlen)
{
	for (size_t i = 0; i < set->n; i++)
		if (check_nodes(set, &set->v[i], set->v[i].nodes, set->v[i].nnodes, err, errlen) < 0)
			return -1;
	return 0;
}

/* ---------- rendering ---------- */

struct frame {
	const struct node *blocks;	/* the N_BLOCK overrides of one parent tag */
	size_t n;
	int hidden;	/* > 0 while an override of this frame or an outer one renders */
};

struct rstate {
	const struct tmpl_set *set;
	struct buf *out;
	json_t *ctx[MAX_CONTEXT];
	size_t nctx;
	struct frame frames[MAX_RENDER_DEPTH];
	size_t nframes;
	struct buf indent;
	int pending;	/* at the start of a line: indent before next output */
	int depth;
	char *err;
	size_t errlen;
};

static void emit(struct rstate *st, const char *s, size_t n, int escape)
{
	if (n == 0)
		return;
	if (st->pending && st->indent.len)
		buf_append(st->out, st->indent.data, st->indent.len);
	st->pending = 0;
	if (escape)
		buf_html_escape(st->out, s, n);
	else
		buf_append(st->out, s, n);
}

static json_t *lookup(struct rstate *st, const char *name, size_t len)
{
	if (len == 1 && name[0] == '.')
		return st->nctx ? st->ctx[st->nctx - 1] : NULL;
	const char *dot = memchr(name, '.', len);
	size_t first = dot ? (size_t)(dot - name) : len;
	char key[256];
	if (first >= sizeof key)
		return NULL;
	memcpy(key, name, first);
	key[first] = '\0';
	json_t *v = NULL;
	for (size_t i = st->nctx; i-- > 0;) {
		if (json_is_object(st->ctx[i]) && (v = json_object_get(st->ctx[i], key)))
			break;
	}
	while (v && dot) {
		const char *s = dot + 1;
		dot = memchr(s, '.', (size_t)(name + len - s));
		size_t l = dot ? (size_t)(dot - s) : (size_t)(name + len - s);
		if (l >= sizeof key)
			return NULL;
		memcpy(key, s, l);
		key[l] = '\0';
		if (json_is_object(v)) {
			v = json_object_get(v, key);
		} else if (json_is_array(v) && l > 0 && strspn(key, "0123456789") == l) {
			v = json_array_get(v, (size_t)strtoul(key, NULL, 10));	/* {{#rows.0}}: non-empty */
		} else {
			v = NULL;
		}
	}
	return v;
}

/* Returns 1 when a dotted name ends in a numeric segment ("rows.0"). */
static int ends_in_index(const char *name, size_t len)
{
	size_t i = len;
	while (i > 0 && name[i - 1] >= '0' && name[i - 1] <= '9')
		i--;
	return i < len && i > 0 && name[i - 1] == '.';
}

static int truthy(const json_t *v)
{
	if (!v || json_is_null(v) || json_is_false(v))
		return 0;
	if (json_is_array(v))
		return json_array_size(v) > 0;
	if (json_is_string(v))
		return json_string_length(v) > 0;
	if (json_is_integer(v))
		return json_integer_value(v) != 0;
	return 1;
}

static int render_nodes(struct rstate *st, const struct node *v, size_t n);

static int push_ctx(struct rstate *st, json_t *v)
{
	if (st->nctx == MAX_CONTEXT) {
		snprintf(st->err, st->errlen, "context nested too deep");
		return -1;
	}
	st->ctx[st->nctx++] = v;
	return 0;
}

static void emit_value(struct rstate *st, json_t *v, int escape)
{
	char num[64];
	if (!v || json_is_null(v))
		return;
	if (json_is_string(v)) {
		emit(st, json_string_value(v), json_string_length(v), escape);
	} else if (json_is_integer(v)) {
		snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		emit(st, num, strlen(num), 0);
	} else if (json_is_real(v)) {
		snprintf(num, sizeof num, "%.15g", json_real_value(v));
		emit(st, num, strlen(num), 0);
	} else if (json_is_true(v)) {
		emit(st, "true", 4, 0);
	} else if (json_is_false(v)) {
		emit(st, "false", 5, 0);
	}
	/* objects and arrays print nothing */
}

/* Finds the override for slot, outermost parent tag first; *frame gets
 * the index of the parent tag that gave it. Hidden frames are skipped. */
static const struct node *find_override(struct rstate *st, const struct node *slot, size_t *frame)
{
	for (size_t f = 0; f < st->nframes; f++) {
		if (st->frames[f].hidden)
			continue;
		for (size_t i = 0; i < st->frames[f].n; i++) {
			const struct node *b = &st->frames[f].blocks[i];
			if (b->len == slot->len && memcmp(b->str, slot->str, b->len) == 0) {
				*frame = f;
				return b;
			}
		}
	}
	return NULL;
}

/* Renders body with extra indent; standalone starts with the indent. */
static int render_indented(struct rstate *st, const char *indent, int standalone,
    const struct node *v, size_t n)
{
	size_t saved = st->indent.len;
	buf_puts(&st->indent, indent);
	if (standalone)
		st->pending = 1;
	int rc = render_nodes(st, v, n);
	st->indent.len = saved;
	if (st->indent.data)
		st->indent.data[saved] = '\0';
	return rc;
}

static int render_tmpl_ref(struct rstate *st, const struct node *x)
{
	const struct tmpl *t = lookup_tmpl(st->set, x->str, x->len);
	if (!t)
		return 0;	/* spec: a missing partial is empty */
	if (st->depth >= MAX_RENDER_DEPTH) {
		snprintf(st->err, st->errlen, "partials nested too deep at '%s'", x->str);
		return -1;
	}
	st->depth++;
	int pushed = 0;
	if (x->type == N_PARENT) {
		st->frames[st->nframes++] = (struct frame){ x->kids, x->nkids, 0 };
		pushed = 1;
	}
	int rc = render_indented(st, x->indent, x->standalone, t->nodes, t->nnodes);
	if (pushed)
		st->nframes--;
	st->depth--;
	return rc;
}

static int render_nodes(struct rstate *st, const struct node *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct node *x = &v[i];
		json_t *val;
		switch (x->type) {
		case N_TEXT:
			emit(st, x->str, x->len, 0);
			if (x->len && x->str[x->len - 1] == '\n')
				st->pending = 1;
			break;
		case N_VAR:
			emit_value(st, lookup(st, x->str, x->len), x->escape);
			break;
		case N_SECTION:
			val = lookup(st, x->str, x->len);
			if (!truthy(val))
				break;
			if (json_is_array(val)) {
				size_t k;
				json_t *item;
				json_array_foreach(val, k, item) {
					if (push_ctx(st, item) < 0)
						return -1;
					int rc = render_nodes(st, x->kids, x->nkids);
					st->nctx--;
					if (rc < 0)
						return -1;
				}
			} else if (ends_in_index(x->str, x->len)) {
				/* {{#rows.0}} asks "is the list non-empty": the element is
				 * not pushed, or keys missing from later rows would be
				 * found in the first one. */
				if (render_nodes(st, x->kids, x->nkids) < 0)
					return -1;
			} else {
				if (push_ctx(st, val) < 0)
					return -1;
				int rc = render_nodes(st, x->kids, x->nkids);
				st->nctx--;
				if (rc < 0)
					return -1;
			}
			break;
		case N_INVERTED:
			if (!truthy(lookup(st, x->str, x->len)) &&
			    render_nodes(st, x->kids, x->nkids) < 0)
				return -1;
			break;
		case N_PARTIAL:
		case N_PARENT:
			if (render_tmpl_ref(st, x) < 0)
				return -1;
			break;
		case N_BLOCK: {
			size_t f = 0, top = st->nframes;
			const struct node *o = find_override(st, x, &f);
			if (!o) {
				if (render_indented(st, x->indent, x->standalone, x->kids, x->nkids) < 0)
					return -1;
				break;
			}
			/* An override's body belongs to the template that wrote the
			 * parent tag (frame f): its own blocks are filled by the
			 * parent tags outside that one (frames before f), never by
			 * frame f or the parents it called, or a block holding a
			 * block of its own name would expand itself for ever. */
			for (size_t k = f; k < top; k++)
				st->frames[k].hidden++;
			int rc = render_indented(st, x->indent, x->standalone, o->kids, o->nkids);
			for (size_t k = f; k < top; k++)
				st->frames[k].hidden--;
			if (rc < 0)
				return -1;
			break;
		}
		}
	}
	return 0;
}

int tmpl_render(const struct tmpl_set *set, const char *name, json_t *data,
    struct buf *out, char *err, size_t errlen)
{
	static char dummy[1];
	const struct tmpl *t = lookup_tmpl(set, name, strlen(name));
	if (!t) {
		if (err && errlen)
			snprintf(err, errlen, "unknown template '%s'", name);
		return -1;
	}
	struct rstate *st = xcalloc(1, sizeof *st);
	st->set = set;
	st->out = out;
	st->err = err && errlen ? err : dummy;
	st->errlen = err && errlen ? errlen : sizeof dummy;
	buf_init(&st->indent);
	st->ctx[st->nctx++] = data;
	int rc = render_nodes(st, t->nodes, t->nnodes);
	buf_free(&st->indent);
	free(st);
	return rc;
}
