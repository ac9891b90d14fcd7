package dev.mailroom.spring.autoconfigure;

import dev.mailroom.consumer.EventHandler;
import dev.mailroom.consumer.EventMetadata;
import dev.mailroom.consumer.PayloadValidator;
import dev.mailroom.routing.RouteRegistry;
import dev.mailroom.routing.UnknownEventTypeException;
import dev.mailroom.spring.MailroomEventHandler;
import dev.mailroom.spring.MailroomHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.function.SingletonSupplier;

/**
 * Finds the application's handlers: methods annotated {@link MailroomHandler} on any bean (found from
 * the bean definitions' types, the bean itself fetched at the first event) and
 * {@link MailroomEventHandler} beans. Each is bound to its consumer group: the one it names, or the
 * consumer group of the service that routes its event type.
 */
final class HandlerDiscovery {

    private HandlerDiscovery() {
    }

    static List<HandlerBinding> discover(ConfigurableListableBeanFactory beans, RouteRegistry routes) {
        List<HandlerBinding> bindings = new ArrayList<>();
        for (String name : beans.getBeanDefinitionNames()) {
            Class<?> type = beans.getType(name, false);
            if (type == null || !AnnotationUtils.isCandidateClass(type, MailroomHandler.class)) {
                continue;
            }
            Class<?> userType = ClassUtils.getUserClass(type);
            Map<Method, MailroomHandler> methods = MethodIntrospector.selectMethods(userType,
                    (MethodIntrospector.MetadataLookup<MailroomHandler>) method ->
                            AnnotatedElementUtils.findMergedAnnotation(method, MailroomHandler.class));
            methods.forEach((method, annotation) -> bindings.add(bind(beans, name, userType, method, annotation, routes)));
        }
        beans.getBeanProvider(MailroomEventHandler.class).orderedStream()
                .forEach(handler -> bindings.add(bind(handler, routes)));
        return bindings;
    }

    private static HandlerBinding bind(ConfigurableListableBeanFactory beans, String beanName, Class<?> type,
                                       Method method, MailroomHandler annotation, RouteRegistry routes) {
        String source = "@MailroomHandler " + type.getSimpleName() + "." + method.getName() + " (bean '" + beanName + "')";
        if (method.getParameterCount() == 0) {
            throw new IllegalStateException(source + " must take the payload as its first parameter");
        }
        Class<?>[] parameters = method.getParameterTypes();
        for (int i = 1; i < parameters.length; i++) {
            if (parameters[i] != EventMetadata.class && parameters[i] != Connection.class) {
                throw new IllegalStateException(source + ": parameter " + (i + 1) + " is a " + parameters[i].getName()
                        + "; after the payload a handler may take only EventMetadata and Connection");
            }
        }
        @SuppressWarnings("unchecked")
        Class<Object> payloadType = (Class<Object>) ClassUtils.resolvePrimitiveIfNecessary(parameters[0]);
        Supplier<Object> bean = SingletonSupplier.of(() -> beans.getBean(beanName));
        Method invocable = method;
        ReflectionUtils.makeAccessible(invocable);
        EventHandler<Object> handler = (payload, metadata, connection) -> {
            Object target = bean.get();
            Method onTarget = AopUtils.selectInvocableMethod(invocable, target.getClass());
            Object[] args = new Object[parameters.length];
            args[0] = payload;
            for (int i = 1; i < parameters.length; i++) {
                args[i] = parameters[i] == EventMetadata.class ? metadata : connection;
            }
            invoke(onTarget, target, args);
        };
        PayloadValidator<Object> validator = validator(bean, type, annotation.validator(), payloadType, source);
        Set<Integer> versions = Arrays.stream(annotation.versions()).boxed().collect(Collectors.toUnmodifiableSet());
        return new HandlerBinding(source, annotation.value(), group(annotation.group(), annotation.value(), routes, source),
                payloadType, versions, validator, handler);
    }

    private static PayloadValidator<Object> validator(Supplier<Object> bean, Class<?> type, String name,
                                                      Class<?> payloadType, String source) {
        if (name.isEmpty()) {
            return null;
        }
        Method method = ReflectionUtils.findMethod(type, name, payloadType);
        if (method == null) {
            throw new IllegalStateException(source + ": no validator method " + name + "(" + payloadType.getSimpleName()
                    + ") on " + type.getSimpleName());
        }
        ReflectionUtils.makeAccessible(method);
        return payload -> {
            Object target = bean.get();
            try {
                invoke(AopUtils.selectInvocableMethod(method, target.getClass()), target, new Object[] {payload});
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        };
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static HandlerBinding bind(MailroomEventHandler handler, RouteRegistry routes) {
        String source = "MailroomEventHandler " + ClassUtils.getUserClass(handler).getSimpleName();
        String group = group(handler.group() == null ? "" : handler.group(), handler.eventType(), routes, source);
        PayloadValidator<Object> validator = handler::validate;
        return new HandlerBinding(source, handler.eventType(), group, handler.payloadType(), handler.versions(),
                validator, handler);
    }

    private static String group(String named, String eventType, RouteRegistry routes, String source) {
        if (!named.isEmpty()) {
            return named;
        }
        try {
            return routes.route(eventType).service().consumerGroup();
        } catch (UnknownEventTypeException e) {
            throw new IllegalStateException(source + " handles event type '" + eventType + "', which no route has:"
                    + " route it (mailroom.services.<service>.events) or name the handler's group", e);
        }
    }

    private static void invoke(Method method, Object target, Object[] args) throws Exception {
        try {
            method.invoke(target, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception exception) {
                throw exception;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }
}
