"""``with_structured_output`` for AegisChatModel, matching ``ChatOllama``'s behaviour.

The default method is ``json_schema``, as in ``ChatOllama``, so a drop-in
swap keeps the same requests. ``format`` is translated per provider into
Ollama's ``format`` or OpenAI's ``response_format`` by the chat model. It
builds the parsing chain around the model it is given (``bind``,
``bind_tools``); it must not import the chat model, route or send a request.
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any, Literal, cast

from langchain_core.language_models import BaseChatModel
from langchain_core.output_parsers import (
    JsonOutputKeyToolsParser,
    JsonOutputParser,
    PydanticOutputParser,
    PydanticToolsParser,
)
from langchain_core.runnables import Runnable, RunnableMap, RunnablePassthrough
from langchain_core.utils.function_calling import convert_to_json_schema, convert_to_openai_tool
from langchain_core.utils.pydantic import is_basemodel_subclass
from pydantic.v1 import BaseModel as BaseModelV1
from typing_extensions import is_typeddict

Method = Literal["function_calling", "json_mode", "json_schema"]


def structured_output(
    model: BaseChatModel,
    schema: dict[str, Any] | type | None,
    *,
    method: Method,
    include_raw: bool,
    strict: bool | None = None,
) -> Runnable[Any, Any]:
    """Build the runnable behind :meth:`AegisChatModel.with_structured_output`."""
    is_pydantic = isinstance(schema, type) and is_basemodel_subclass(schema)
    if method != "json_mode" and schema is None:
        raise ValueError(f"with_structured_output: schema must be given when method={method!r}")
    parser: Runnable[Any, Any]
    if method == "function_calling":
        tool = convert_to_openai_tool(cast(Any, schema), strict=strict)
        name = tool["function"]["name"]
        llm: Runnable[Any, Any] = model.bind_tools(
            [tool],
            tool_choice=name,
            ls_structured_output_format={"kwargs": {"method": method}, "schema": tool},
        )
        parser = (
            PydanticToolsParser(tools=[cast(Any, schema)], first_tool_only=True)
            if is_pydantic
            else JsonOutputKeyToolsParser(key_name=name, first_tool_only=True)
        )
    elif method == "json_mode":
        llm = model.bind(format="json", ls_structured_output_format={"kwargs": {"method": method}, "schema": schema})
        parser = PydanticOutputParser(pydantic_object=cast(Any, schema)) if is_pydantic else JsonOutputParser()
    elif method == "json_schema":
        if is_pydantic:
            model_cls = cast(Any, schema)
            json_schema = model_cls.schema() if issubclass(model_cls, BaseModelV1) else model_cls.model_json_schema()
        elif is_typeddict(schema):
            json_schema = convert_to_json_schema(cast(Any, schema))
            json_schema.setdefault("required", list(json_schema.get("properties", {})))
        else:
            json_schema = convert_to_json_schema(cast(Any, schema)) if not isinstance(schema, dict) else schema
        llm = model.bind(
            format=json_schema,
            **({"strict": strict} if strict is not None else {}),
            ls_structured_output_format={
                "kwargs": {"method": method},
                "schema": schema if is_pydantic else json_schema,
            },
        )
        parser = PydanticOutputParser(pydantic_object=cast(Any, schema)) if is_pydantic else JsonOutputParser()
    else:
        raise ValueError(
            f"with_structured_output: method={method!r} is not valid; "
            "allowed values: function_calling, json_schema, json_mode"
        )
    if include_raw:
        parser_assign = RunnablePassthrough.assign(parsed=itemgetter("raw") | parser, parsing_error=lambda _: None)
        parser_none = RunnablePassthrough.assign(parsed=lambda _: None)
        with_fallback = parser_assign.with_fallbacks([parser_none], exception_key="parsing_error")
        return RunnableMap(raw=llm) | with_fallback
    return llm | parser
