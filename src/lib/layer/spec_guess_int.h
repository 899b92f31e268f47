/* Internal link between the spec loader (spec.c, which owns the private role
 * struct) and the role guesser (spec_guess.c). */
#ifndef HL_SPEC_GUESS_INT_H
#define HL_SPEC_GUESS_INT_H

#include "hl/spec.h"

/* The `guess:` keywords and fields of a role (borrowed from the set). */
void hl__role_spec_guess_words(const hl_role_spec *rs, const char *const **keywords, size_t *n_keywords,
                               const char *const **fields, size_t *n_fields);

#endif
