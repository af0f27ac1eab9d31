package dev.oteltoolkit.ai.anthropic;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/** Calls the SDK's own object, throwing what it threw (not a reflection wrapper). */
final class Delegation {

  private Delegation() {}

  static Object invoke(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
