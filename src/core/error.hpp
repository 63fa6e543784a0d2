// The one exception type for bad input: the CLI turns it into one line on stderr and exit code 2.
#pragma once

#include <stdexcept>
#include <string>

namespace spinlab {

class InputError : public std::invalid_argument {
 public:
  explicit InputError(const std::string& what) : std::invalid_argument(what) {}
};

}  // namespace spinlab
