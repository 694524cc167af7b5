#pragma once
#include <napi.h>
namespace mr {
void InitProcessExec(Napi::Env env, Napi::Object exports);
}
