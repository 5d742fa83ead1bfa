package io.github.deltaconnect.rules;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.types.CelKind;
import dev.cel.common.types.CelType;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A type-checked CEL condition evaluated directly on the bound record, for the expressions rules
 * mostly are: field reads, {@code has()}, comparisons of numbers, equality of numbers, strings and
 * bools, {@code startsWith}/{@code endsWith}/{@code contains}/{@code size} on strings, {@code !},
 * {@code &&}, {@code ||} and {@code ?:}. Anything else (macros, arithmetic, lists, timestamps,
 * regexes, ...) is left to cel-java: {@link #of} returns null for it.
 *
 * <p>Why: cel-java's interpreter resolves references, overloads and value types per node and per
 * evaluation; on JDK 17 that cost a rule about 1.5 µs per record inside a busy worker, most of
 * the quality transform's cost. Here every node's meaning is fixed once, from the checked types.
 *
 * <p>Semantics follow CEL's, as cel-java evaluates them: a missing (null) field is an error when
 * read, {@code has()} is false for it; {@code &&} and {@code ||} are commutative over errors
 * ({@code false && error} is false, {@code true && error} is an error); a NaN double compares
 * false with a double and is not equal to itself; an int and a double compare as cel-java
 * compares them ({@link #compare}). {@code ConditionRulesTest}
 * checks results (true, false or error) against cel-java over a corpus of expressions and records.
 */
final class DirectCondition {

  /** An evaluation error: the record makes the expression fail, not false. */
  record Err(String message) {}

  /** One node, meaning fixed at compile time; returns a value or an {@link Err}. */
  @FunctionalInterface
  private interface Node {
    Object eval(Object root);
  }

  private final Node root;

  private DirectCondition(Node root) {
    this.root = root;
  }

  /** A direct evaluator for {@code ast}, or null when it uses something not covered here. */
  static DirectCondition of(CelAbstractSyntaxTree ast, String variable) {
    if (!ast.isChecked()) {
      return null;
    }
    Node node = new Compiler(ast, variable).node(ast.getExpr());
    return node == null ? null : new DirectCondition(node);
  }

  /** {@code Boolean.TRUE}, {@code Boolean.FALSE} or an {@link Err}. */
  Object eval(Object message) {
    Object result = root.eval(message);
    return result instanceof Boolean || result instanceof Err ? result
        : new Err("result is " + result + ", not a bool");
  }

  private static final class Compiler {
    private final CelAbstractSyntaxTree ast;
    private final String variable;

    Compiler(CelAbstractSyntaxTree ast, String variable) {
      this.ast = ast;
      this.variable = variable;
    }

    private CelKind kind(CelExpr e) {
      Optional<CelType> type = ast.getType(e.id());
      return type.isPresent() ? type.get().kind() : CelKind.ERROR;
    }

    /** The node for {@code e}, or null when not covered. */
    Node node(CelExpr e) {
      switch (e.getKind()) {
        case CONSTANT:
          return constant(e.constant());
        case IDENT:
          return variable.equals(e.ident().name()) ? r -> r : null;
        case SELECT:
          return select(e);
        case CALL:
          return call(e);
        default:
          return null;
      }
    }

    private static Node constant(CelConstant c) {
      Object value;
      switch (c.getKind()) {
        case BOOLEAN_VALUE:
          value = c.booleanValue();
          break;
        case INT64_VALUE:
          value = c.int64Value();
          break;
        case DOUBLE_VALUE:
          value = c.doubleValue();
          break;
        case STRING_VALUE:
          value = c.stringValue();
          break;
        default:
          return null;
      }
      return r -> value;
    }

    private Node select(CelExpr e) {
      CelExpr.CelSelect s = e.select();
      // Struct fields only: a map key or anything dynamic goes to cel-java.
      if (kind(s.operand()) != CelKind.STRUCT) {
        return null;
      }
      Node operand = node(s.operand());
      if (operand == null) {
        return null;
      }
      String field = s.field();
      if (s.testOnly()) {
        return r -> {
          Object o = operand.eval(r);
          return o instanceof Map<?, ?> m ? (Object) m.containsKey(field) : error(o, "has()");
        };
      }
      return r -> {
        Object o = operand.eval(r);
        if (!(o instanceof Map<?, ?> m)) {
          return error(o, "." + field);
        }
        Object v = m.get(field);
        return v != null ? v : new Err("key '" + field + "' is not present in map");
      };
    }

    private Node call(CelExpr e) {
      CelExpr.CelCall c = e.call();
      List<CelExpr> args = c.args();
      String fn = c.function();
      if (c.target().isPresent()) {
        CelExpr target = c.target().get();
        if (args.size() == 1 && kind(target) == CelKind.STRING
            && kind(args.get(0)) == CelKind.STRING) {
          StringTest test = switch (fn) {
            case "startsWith" -> String::startsWith;
            case "endsWith" -> String::endsWith;
            case "contains" -> String::contains;
            default -> null;
          };
          return test == null ? null : strings(node(target), node(args.get(0)), test);
        }
        if (args.isEmpty() && fn.equals("size") && kind(target) == CelKind.STRING) {
          return size(node(target));
        }
        return null;
      }
      switch (fn) {
        case "_&&_":
          return logical(node(args.get(0)), node(args.get(1)), false);
        case "_||_":
          return logical(node(args.get(0)), node(args.get(1)), true);
        case "!_":
          return not(node(args.get(0)));
        case "_?_:_":
          return conditional(node(args.get(0)), node(args.get(1)), node(args.get(2)));
        case "size":
          return args.size() == 1 && kind(args.get(0)) == CelKind.STRING
              ? size(node(args.get(0))) : null;
        case "_==_":
        case "_!=_":
          return equality(args.get(0), args.get(1), fn.equals("_!=_"));
        case "_<_":
        case "_<=_":
        case "_>_":
        case "_>=_":
          return ordering(args.get(0), args.get(1), fn);
        default:
          return null;
      }
    }

    private Node equality(CelExpr left, CelExpr right, boolean negate) {
      CelKind l = kind(left);
      CelKind r = kind(right);
      boolean same = l == r && (l == CelKind.INT || l == CelKind.DOUBLE || l == CelKind.STRING
          || l == CelKind.BOOL);
      Node a = node(left);
      Node b = node(right);
      if (!same || a == null || b == null) {
        return null;
      }
      if (l == CelKind.DOUBLE) {
        // IEEE equality (NaN unequal, -0.0 equal to 0.0), except that one value read twice is
        // equal to itself, NaN included: cel-java compares references first.
        return x -> binary(a, b, x, (p, q) -> (p == q
            || ((Double) p).doubleValue() == ((Double) q).doubleValue()) != negate);
      }
      return x -> binary(a, b, x, (p, q) -> p.equals(q) != negate);
    }

    private Node ordering(CelExpr left, CelExpr right, String fn) {
      CelKind l = kind(left);
      CelKind r = kind(right);
      boolean numbers = (l == CelKind.INT || l == CelKind.DOUBLE)
          && (r == CelKind.INT || r == CelKind.DOUBLE);
      Node a = node(left);
      Node b = node(right);
      if (!numbers || a == null || b == null) {
        return null;
      }
      return x -> binary(a, b, x, (p, q) -> {
        int c = compare((Number) p, (Number) q);
        if (c == UNORDERED) {
          return false;
        }
        return switch (fn) {
          case "_<_" -> c < 0;
          case "_<=_" -> c <= 0;
          case "_>_" -> c > 0;
          default -> c >= 0;
        };
      });
    }
  }

  private static final int UNORDERED = Integer.MIN_VALUE;

  /**
   * Compares two CEL numbers (Long or Double); {@link #UNORDERED} when two doubles include a NaN.
   * An int against a double compares as cel-java 0.14 does: the int rounded to a double, then
   * {@code Double.compare}, so there NaN is above every int and -0.0 below 0 (the ConditionRules
   * docs warn about it); doubles against doubles compare as IEEE 754 says.
   */
  static int compare(Number p, Number q) {
    if (p instanceof Long a && q instanceof Long b) {
      return Long.compare(a, b);
    }
    if (p instanceof Double a && q instanceof Double b) {
      return a.isNaN() || b.isNaN() ? UNORDERED : Double.compare(a + 0.0, b + 0.0);
    }
    if (p instanceof Long a) {
      return -compareDoubleLong((Double) q, a);
    }
    return compareDoubleLong((Double) p, (Long) q);
  }

  private static int compareDoubleLong(double d, long l) {
    if (d < Long.MIN_VALUE) {
      return -1;
    }
    if (d > Long.MAX_VALUE) {
      return 1;
    }
    return Double.compare(d, (double) l);
  }

  @FunctionalInterface
  private interface StringTest {
    boolean test(String s, String arg);
  }

  @FunctionalInterface
  private interface Binary {
    Object apply(Object a, Object b);
  }

  private static Object binary(Node a, Node b, Object root, Binary f) {
    Object x = a.eval(root);
    if (x instanceof Err) {
      return x;
    }
    Object y = b.eval(root);
    return y instanceof Err ? y : f.apply(x, y);
  }

  private static Node strings(Node target, Node arg, StringTest test) {
    if (target == null || arg == null) {
      return null;
    }
    return r -> binary(target, arg, r, (s, a) -> s instanceof String x && a instanceof String y
        ? (Object) test.test(x, y) : error(s, "a string function"));
  }

  private static Node size(Node of) {
    if (of == null) {
      return null;
    }
    return r -> {
      Object s = of.eval(r);
      return s instanceof String x ? (Object) (long) x.codePointCount(0, x.length())
          : s instanceof Err ? s : error(s, "size()");
    };
  }

  /** CEL's commutative && (or ||): the deciding value wins over an error on the other side. */
  private static Node logical(Node left, Node right, boolean or) {
    if (left == null || right == null) {
      return null;
    }
    Boolean decides = or;
    return r -> {
      Object a = left.eval(r);
      if (decides.equals(a)) {
        return a;
      }
      Object b = right.eval(r);
      if (decides.equals(b)) {
        return b;
      }
      if (a instanceof Err) {
        return a;
      }
      if (b instanceof Err) {
        return b;
      }
      return a instanceof Boolean && b instanceof Boolean ? (Object) !or
          : error(a instanceof Boolean ? b : a, or ? "||" : "&&");
    };
  }

  private static Node not(Node of) {
    if (of == null) {
      return null;
    }
    return r -> {
      Object v = of.eval(r);
      return v instanceof Boolean b ? (Object) !b : v instanceof Err ? v : error(v, "!");
    };
  }

  private static Node conditional(Node condition, Node then, Node otherwise) {
    if (condition == null || then == null || otherwise == null) {
      return null;
    }
    return r -> {
      Object c = condition.eval(r);
      if (c instanceof Boolean b) {
        return b ? then.eval(r) : otherwise.eval(r);
      }
      return c instanceof Err ? c : error(c, "?:");
    };
  }

  private static Object error(Object value, String what) {
    return value instanceof Err ? value
        : new Err("no matching overload for " + what + " on " + value);
  }
}
