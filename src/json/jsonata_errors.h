// Error messages of the JSONata evaluator (internal): finishing a message once the token
// (function name or operator) of an error is known.
#pragma once

#include "json/jsonata.h"

namespace sg::json::jsonata {

// Fills the {{token}} placeholders make_error() left in e->message from e->token.
void finish_error_message(Error* e);

}  // namespace sg::json::jsonata
