/*
 * term.c: what boshi writes to a terminal carries no control characters.
 * Names, addresses and kana come from the resident master and display
 * names from accounts; a value holding ESC[2J or ESC]0;... would clear the
 * screen or retitle the window of the nurse who looked at it.  The command's
 * stdout and stderr are wrapped once (cli_safe_stream) so that every line
 * any command prints is filtered in one place: C0 controls except LF and
 * TAB, DEL, and C1 (U+0080-U+009F, as UTF-8) become U+FFFD.  Import refuses
 * such values already (records/csvtable.c); this covers what is stored from
 * elsewhere, and messages that echo an argument.
 */
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct safe {
    FILE *under;
    int pending_c2;      /* a 0xC2 at the end of the last write: C1 or not, not yet known */
};

static const char replacement[] = "\xEF\xBF\xBD";

static ssize_t safe_write(void *cookie, const char *buf, size_t n)
{
    struct safe *s = cookie;
    size_t start = 0;

    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)buf[i];
        if (s->pending_c2) {
            s->pending_c2 = 0;
            if (b >= 0x80 && b <= 0x9F) {
                fputs(replacement, s->under);
                start = i + 1;
                continue;
            }
            fputc(0xC2, s->under);
        }
        if ((b < 0x20 && b != '\n' && b != '\t') || b == 0x7F) {
            fwrite(buf + start, 1, i - start, s->under);
            fputs(replacement, s->under);
            start = i + 1;
        } else if (b == 0xC2) {
            fwrite(buf + start, 1, i - start, s->under);
            if (i + 1 < n) {
                unsigned char nx = (unsigned char)buf[i + 1];
                if (nx >= 0x80 && nx <= 0x9F) {
                    fputs(replacement, s->under);
                    i++;
                } else {
                    fputc(0xC2, s->under);
                }
            } else {
                s->pending_c2 = 1;
            }
            start = i + 1;
        }
    }
    fwrite(buf + start, 1, n - start, s->under);
    if (ferror(s->under))
        return -1;
    return (ssize_t)n;
}

static int safe_close(void *cookie)
{
    struct safe *s = cookie;

    if (s->pending_c2)
        fputc(0xC2, s->under);
    int rc = fflush(s->under);
    free(s);
    return rc == 0 ? 0 : -1;
}

FILE *cli_safe_stream(FILE *under)
{
    cookie_io_functions_t io = { .read = NULL, .write = safe_write, .seek = NULL,
                                 .close = safe_close };
    struct safe *s = xcalloc(1, sizeof(*s));
    FILE *f;

    s->under = under;
    f = fopencookie(s, "w", io);
    if (f == NULL) {
        free(s);
        return under;
    }
    /*
     * The buffering moves to the filter (as under's own would be: none for
     * stderr, by line on a terminal, else by block) and under writes through,
     * so that fflush of the filter delivers (`serve` announces its port).
     */
    if (under == stderr)
        setvbuf(f, NULL, _IONBF, 0);
    else
        setvbuf(f, NULL, isatty(fileno(under)) ? _IOLBF : _IOFBF, BUFSIZ);
    setvbuf(under, NULL, _IONBF, 0);
    return f;
}
